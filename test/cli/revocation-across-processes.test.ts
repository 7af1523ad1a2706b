import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { POSTGRES_URL, postgresUnavailable } from '../helpers/database.ts';
import { runParley, spawnParley, type Proc } from '../helpers/process.ts';

const skip = await postgresUnavailable();
const running: Proc[] = [];
const dbName = `parley_t_rev_${process.pid}`;
const dataDir = mkdtempSync(join(tmpdir(), 'parley-rev-'));

after(async () => {
  await Promise.all(running.map((p) => p.stop()));
  rmSync(dataDir, { recursive: true, force: true });
  if (skip) return;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
});

test(
  'a key revoked through one API process fails at once on another (PostgreSQL)',
  { skip, timeout: 120_000 },
  async () => {
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${dbName}`;
    const env = { DATABASE_URL: url.toString(), PARLEY_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' };

    const admin1 = await runParley(['keys', 'create', '--org', 'acme', '--name', 'admin', '--json'], env);
    const victim = await runParley(['keys', 'create', '--org', 'acme', '--name', 'victim', '--json'], env);
    assert.equal(admin1.code, 0, admin1.stderr);
    const adminKey = JSON.parse(admin1.stdout).key as string;
    const { key: victimKey, keyId: victimId } = JSON.parse(victim.stdout) as { key: string; keyId: string };

    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      const p = spawnParley(['api'], env);
      running.push(p);
      urls.push((await p.waitFor(/listening on (http:\/\/\S+)/, 60_000, `API ${i}`))[1]!);
    }
    const voices = (base: string) =>
      fetch(`${base}/v1/voice/voices`, { headers: { 'x-api-key': victimKey } });
    // Both processes have verified (and cached) the key.
    assert.equal((await voices(urls[0]!)).status, 200);
    assert.equal((await voices(urls[1]!)).status, 200);

    const revoke = await fetch(`${urls[0]}/v1/chat/api-keys/${victimId}/revoke`, {
      method: 'POST',
      headers: { 'x-api-key': adminKey },
    });
    assert.equal(revoke.status, 200);
    // The notification travels on commit; allow it a moment, far below the cache TTL.
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await voices(urls[1]!)).status, 401);
    assert.equal((await voices(urls[0]!)).status, 401);
  },
);
