/**
 * `npm run bench:api`: requests/s and latency of three hot endpoints, the API in its own process,
 * on PGlite and on PostgreSQL, measured side by side in one run. Prints a table and writes JSON to
 * bench/results/. Never fails on a number.
 *
 * Each endpoint runs flat out on BENCH_CONNECTIONS connections (the throughput; the latency there is
 * that of a saturated server), and session creation also at a fixed offered rate, SESSION_RATE
 * requests/s, which is how its latency target reads (p99 at 1,000 sessions/s).
 *
 * Env: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 16), BENCH_DB=pglite|postgres|both,
 * BENCH_SESSION_RATE (default 1000).
 */
import autocannon from 'autocannon';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { offlineVoiceAgent } from '../test/helpers/fixtures.ts';
import { runParley, spawnParley } from '../test/helpers/process.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const sessionRate = Number(process.env.BENCH_SESSION_RATE ?? 1000);
const kinds = (process.env.BENCH_DB ?? 'both') === 'both' ? ['pglite', 'postgres'] : [process.env.BENCH_DB!];
const postgresUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Row {
  db: string;
  endpoint: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function freshPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `parley_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: postgresUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

async function benchKind(kind: string): Promise<Row[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const pgdb = kind === 'postgres' ? await freshPostgres() : undefined;
  const env: Record<string, string> = {
    PARLEY_DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MAX: '100000000',
    ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
  };
  const created = await runParley(['keys', 'create', '--org', 'bench', '--name', 'bench', '--json'], env);
  if (created.code !== 0) throw new Error(`keys create failed: ${created.stderr}`);
  const { key } = JSON.parse(created.stdout) as { key: string };
  const api = spawnParley(['api'], env);
  try {
    const [, url] = await api.waitFor(/listening on (http:\/\/\S+)/, 60_000, 'the API');
    const headers = { 'x-api-key': key, 'content-type': 'application/json' };
    const agent = (await (
      await fetch(`${url}/v2/chat/agents`, {
        method: 'POST',
        headers,
        body: JSON.stringify(offlineVoiceAgent()),
      })
    ).json()) as { id: string };
    const targets = [
      { endpoint: 'GET /v1/voice/voices', method: 'GET' as const, path: '/v1/voice/voices' },
      {
        endpoint: 'POST /v1/voice/sessions',
        method: 'POST' as const,
        path: '/v1/voice/sessions',
        body: JSON.stringify({ agentId: agent.id }),
      },
      { endpoint: 'GET /v2/chat/agents/{id}', method: 'GET' as const, path: `/v2/chat/agents/${agent.id}` },
      {
        endpoint: `POST /v1/voice/sessions at ${sessionRate}/s offered`,
        method: 'POST' as const,
        path: '/v1/voice/sessions',
        body: JSON.stringify({ agentId: agent.id }),
        rate: sessionRate,
      },
    ];
    const rows: Row[] = [];
    for (const t of targets) {
      // A short warm-up so JIT and pools are settled before measuring.
      await run({ url: url + t.path, method: t.method, headers, body: t.body, connections, duration: 2 });
      const r = await run({
        url: url + t.path,
        method: t.method,
        headers,
        body: t.body,
        connections,
        duration: seconds,
        ...('rate' in t ? { overallRate: t.rate } : {}),
      });
      rows.push({
        db: kind,
        endpoint: t.endpoint,
        rps: Math.round(r.requests.average),
        p50: r.latency.p50,
        p99: r.latency.p99,
        non2xx: r.non2xx,
        errors: r.errors,
      });
    }
    return rows;
  } finally {
    await api.stop();
    await pgdb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const rows: Row[] = [];
for (const kind of kinds) rows.push(...(await benchKind(kind)));

console.log(
  `\nAPI benchmark: ${seconds} s per endpoint, ${connections} connections, server in its own process\n`,
);
console.log('| database | endpoint | requests/s | p50 ms | p99 ms | non-2xx | errors |');
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const r of rows)
  console.log(`| ${r.db} | ${r.endpoint} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} |`);
mkdirSync(new URL('./results', import.meta.url), { recursive: true });
const out = new URL(`./results/api-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, import.meta.url);
writeFileSync(out, JSON.stringify({ seconds, connections, rows }, null, 2));
console.log(`\nwrote ${out.pathname}`);
