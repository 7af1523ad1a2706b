import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/client.ts';

export type DbKind = 'pglite' | 'postgres';

/** The PostgreSQL server the suites use; CI sets it, locally the machine's server is assumed. */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let postgresProbe: Promise<string | undefined> | undefined;

/**
 * Why PostgreSQL tests cannot run here, or undefined when they can. A busy machine can stall a
 * first connection, so it is tried three times. With `REQUIRE_POSTGRES=1` (CI, which has a
 * server) an unreachable server is an error instead of a reason to skip.
 */
export function postgresUnavailable(): Promise<string | undefined> {
  postgresProbe ??= (async () => {
    let lastError = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 });
      try {
        await client.connect();
        await client.query('select 1');
        return undefined;
      } catch (err) {
        lastError = (err as Error).message;
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    const reason = `PostgreSQL at ${POSTGRES_URL} is unreachable (${lastError}); set TEST_DATABASE_URL`;
    if (process.env.REQUIRE_POSTGRES === '1') throw new Error(`${reason} (REQUIRE_POSTGRES=1)`);
    return reason;
  })();
  return postgresProbe;
}

/** A database of its own for one test file: PGlite in a temp dir, or a fresh PostgreSQL database. */
export interface TestDatabase {
  database: Database;
  dataDir: string;
  close(): Promise<void>;
}

const migrationsDir = fileURLToPath(new URL('../../src/db/migrations', import.meta.url));

/**
 * A migrated PGlite data dir shared by every test process (keyed by the migrations' content), so a
 * test database is a 0.5 s copy instead of a 5–9 s initdb. Built in a staging dir and renamed into
 * place, so concurrent builders never see a half-written template.
 */
export async function pgliteTemplate(): Promise<string> {
  const hash = createHash('sha256');
  for (const f of readdirSync(migrationsDir).sort())
    if (f.endsWith('.sql')) hash.update(readFileSync(join(migrationsDir, f)));
  const template = join(tmpdir(), `parley-pglite-template-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(template)) return template;
  const staging = mkdtempSync(join(tmpdir(), 'parley-pglite-staging-'));
  const database = await openDatabase({ dataDir: staging });
  await database.close();
  try {
    renameSync(join(staging, 'pgdata'), template);
  } catch {
    // Another process finished first; its template is as good.
  }
  rmSync(staging, { recursive: true, force: true });
  return template;
}

export async function createTestDatabase(kind: DbKind): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-test-'));
  if (kind === 'pglite') {
    cpSync(await pgliteTemplate(), join(dataDir, 'pgdata'), { recursive: true });
    const database = await openDatabase({ dataDir });
    return {
      database,
      dataDir,
      async close() {
        await database.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const name = `parley_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), dataDir });
  return {
    database,
    dataDir,
    async close() {
      await database.close();
      const a = new pg.Client({ connectionString: POSTGRES_URL });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
