/**
 * The worker thread that holds an embedded database: it opens the data dir's PGlite and serves it
 * on a loopback port ({@link servePglite}), so PostgreSQL's work (WASM, synchronous while a query
 * runs) stays off the event loop of the process that owns the data dir, which also runs the API,
 * the media server or the SIP gateway. Started by `startEmbeddedServer` (embedded.ts).
 *
 * Protocol with the parent: it posts `{ type: 'ready', port }` or `{ type: 'failed', message }`;
 * on `{ type: 'shutdown' }` it stops serving, closes PGlite (flushing it to disk) and exits.
 */
import { PGlite } from '@electric-sql/pglite';
import { parentPort, workerData } from 'node:worker_threads';
import { servePglite } from './pglite-wire.ts';

interface ThreadInput {
  pgdata: string;
  host: string;
  maxConnections: number;
}

async function main(port: NonNullable<typeof parentPort>) {
  const input = workerData as ThreadInput;
  let db: PGlite | undefined;
  try {
    db = await PGlite.create({ dataDir: input.pgdata });
    const server = await servePglite(db, { host: input.host, maxConnections: input.maxConnections });
    const opened = db;
    port.on('message', (message: { type?: string }) => {
      if (message?.type !== 'shutdown') return;
      void (async () => {
        await server.close().catch(() => undefined);
        await opened.close().catch(() => undefined);
        port.close();
      })();
    });
    port.postMessage({ type: 'ready', port: server.port });
  } catch (err) {
    await db?.close().catch(() => undefined);
    port.postMessage({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    port.close();
  }
}

if (parentPort) void main(parentPort);
