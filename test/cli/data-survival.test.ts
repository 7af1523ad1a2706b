import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { offlineVoiceAgent } from '../helpers/fixtures.ts';
import { runParley, spawnParley, type Proc } from '../helpers/process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'parley-survival-'));
const env = { PARLEY_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' };
const running: Proc[] = [];
after(async () => {
  await Promise.all(running.map((p) => p.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

async function startApi() {
  const p = spawnParley(['api'], env);
  running.push(p);
  const [, url] = await p.waitFor(/listening on (http:\/\/\S+)/, 60_000, 'the API to listen');
  return { p, url: url! };
}

async function call(url: string, key: string, method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, {
    method,
    headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
}

test('data survives a restart on the same data dir (PGlite)', { timeout: 180_000 }, async () => {
  // The CLI opens the data dir itself when nothing serves it.
  const created = await runParley(['keys', 'create', '--org', 'acme', '--name', 'ci', '--json'], env);
  assert.equal(created.code, 0, created.stderr);
  const { orgId, keyId, key } = JSON.parse(created.stdout.trim()) as {
    orgId: string;
    keyId: string;
    key: string;
  };
  assert.match(orgId, /^org_/);
  assert.match(keyId, /^key_/);
  assert.match(key, /^pk_live_[0-9A-Za-z]{32,}$/);

  let { p, url } = await startApi();
  const agent = await call(url, key, 'POST', '/v2/chat/agents', offlineVoiceAgent());
  assert.equal(agent.status, 201);
  const number = await call(url, key, 'POST', '/v1/chat/phone-numbers', {
    provider: 'sip',
    number: '+15550001234',
    agentId: agent.body.id,
  });
  assert.equal(number.status, 201);
  const second = await call(url, key, 'POST', '/v1/chat/api-keys', {
    name: 'second',
    scopes: ['voice:read'],
  });
  assert.equal(second.status, 201);

  // A CLI command while the API runs goes through the API process's database server.
  const another = await runParley(
    ['keys', 'create', '--org', 'acme', '--name', 'while-running', '--json'],
    env,
  );
  assert.equal(another.code, 0, another.stderr);
  assert.equal(JSON.parse(another.stdout).orgId, orgId);

  assert.equal(await p.stop(), 0);
  ({ p, url } = await startApi());

  const agentAgain = await call(url, key, 'GET', `/v2/chat/agents/${agent.body.id}`);
  assert.equal(agentAgain.status, 200);
  assert.deepEqual(agentAgain.body, agent.body);
  const numbers = await call(url, key, 'GET', '/v1/chat/phone-numbers');
  assert.equal(numbers.body.data[0].number, '+15550001234');
  assert.equal(numbers.body.data[0].inBoundAgentId, agent.body.id);
  const keys = await call(url, key, 'GET', '/v1/chat/api-keys');
  assert.deepEqual(keys.body.data.map((k: { name: string }) => k.name).sort(), [
    'ci',
    'second',
    'while-running',
  ]);
  const voices = await call(url, second.body.key, 'GET', '/v1/voice/voices?provider=local');
  assert.equal(voices.status, 200);
  assert.ok(voices.body.data.length >= 4);
});

test('keys create rejects bad input with a usage message', async () => {
  const res = await runParley(['keys', 'create', '--org', 'acme'], env);
  assert.equal(res.code, 2);
  assert.match(res.stderr, /Usage: parley keys create/);
  const scopes = await runParley(
    ['keys', 'create', '--org', 'acme', '--name', 'x', '--scopes', 'everything'],
    env,
  );
  assert.equal(scopes.code, 2);
  assert.match(scopes.stderr, /scopes/);
});
