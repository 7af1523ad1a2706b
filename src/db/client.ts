import { sql } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { embeddedUrl, findEmbeddedServer, startEmbeddedServer, type EmbeddedServer } from './embedded.ts';
import * as schema from './schema.ts';

export type Db = NodePgDatabase<typeof schema>;
/** A transaction handle; domain verbs accept either. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** An open database: Drizzle over node-postgres, whichever server is behind it. */
export interface Database {
  db: Db;
  pool: pg.Pool;
  mode: 'postgres' | 'pglite';
  /** Set when this process owns the embedded PGlite server. */
  embedded?: EmbeddedServer;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL URL; unset → PGlite in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  poolSize?: number;
  /** Run migrations (default true). */
  migrate?: boolean;
}

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
// Any constant works; it serializes concurrent migrators across processes.
const MIGRATION_LOCK = 727_172_001;

// timestamptz and int8 arrive as strings by default; the schema maps them, so leave pg's parsing alone.

/** Opens PostgreSQL or the data dir's PGlite (serving it if no process does yet) and migrates. */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  let url = opts.databaseUrl;
  let embedded: EmbeddedServer | undefined;
  if (!url) {
    let endpoint = await findEmbeddedServer(opts.dataDir);
    if (!endpoint) {
      embedded = await startEmbeddedServer(opts.dataDir);
      endpoint = embedded?.endpoint ?? (await waitForEmbeddedServer(opts.dataDir));
    }
    url = embeddedUrl(endpoint);
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? (embedded || !opts.databaseUrl ? 8 : 16),
  });
  pool.on('error', () => {
    // An idle client lost its server; the pool replaces it on the next query.
  });
  const db = drizzle(pool, { schema });
  if (opts.migrate !== false) await runMigrations(db);
  return {
    db,
    pool,
    mode: opts.databaseUrl ? 'postgres' : 'pglite',
    embedded,
    async close() {
      await pool.end();
      await embedded?.close();
    },
  };
}

async function waitForEmbeddedServer(dataDir: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const endpoint = await findEmbeddedServer(dataDir);
    if (endpoint) return endpoint;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `Timed out after ${timeoutMs} ms waiting for the process that holds ${dataDir} to serve its database. If no Parley process is running, remove ${dataDir}/pglite.lock.`,
  );
}

/** Applies pending migrations under an advisory lock, so concurrent starts are safe. */
export async function runMigrations(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await migrate(tx as unknown as Db, { migrationsFolder });
  });
}
