import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { siblingModuleUrl, spawnModuleWorker, stopWorker } from '../runtime/module-worker.ts';

/** Where the process that owns a data dir's PGlite serves it. */
export interface EmbeddedEndpoint {
  host: string;
  port: number;
  pid: number;
}

/** A PGlite database served over the Postgres wire protocol on loopback. */
export interface EmbeddedServer {
  endpoint: EmbeddedEndpoint;
  close(): Promise<void>;
}

const endpointFile = (dataDir: string) => join(dataDir, 'pglite.json');
const lockFile = (dataDir: string) => join(dataDir, 'pglite.lock');

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function portOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The endpoint of a live server for this data dir, if another process (or this one) serves it. */
export async function findEmbeddedServer(dataDir: string): Promise<EmbeddedEndpoint | undefined> {
  let endpoint: EmbeddedEndpoint;
  try {
    endpoint = JSON.parse(readFileSync(endpointFile(dataDir), 'utf8')) as EmbeddedEndpoint;
  } catch {
    return undefined;
  }
  if (!processAlive(endpoint.pid)) return undefined;
  return (await portOpen(endpoint.host, endpoint.port)) ? endpoint : undefined;
}

/** Takes the data dir's lock; a stale lock (its process is gone) is taken over. */
function acquireLock(dataDir: string): boolean {
  const path = lockFile(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(path, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) return false;
      rmSync(path, { force: true });
    }
  }
  return false;
}

/**
 * Opens the data dir's PGlite and serves it on a loopback port recorded in the data dir, so every
 * process (API, CLI, agent jobs) reaches it with node-postgres. PGlite runs in a worker thread of
 * this process (pglite-thread.ts): its queries never block this process's event loop. Returns
 * undefined when another live process already owns the data dir.
 */
export async function startEmbeddedServer(
  dataDir: string,
  maxConnections = 32,
): Promise<EmbeddedServer | undefined> {
  mkdirSync(dataDir, { recursive: true });
  if (!acquireLock(dataDir)) return undefined;
  const worker = spawnModuleWorker(siblingModuleUrl(import.meta.url, 'pglite-thread'), {
    workerData: { pgdata: join(dataDir, 'pgdata'), host: '127.0.0.1', maxConnections },
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      worker.once('message', (m: { type: string; port?: number; message?: string }) =>
        m.type === 'ready' && m.port
          ? resolve(m.port)
          : reject(new Error(`the embedded database did not open: ${m.message ?? m.type}`)),
      );
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the embedded database thread exited (${code})`)));
    });
    let closing = false;
    worker.on('exit', (code) => {
      // Without its database the process cannot go on: say so and stop, rather than fail every query.
      if (closing) return;
      console.error(`Parley: the embedded database thread stopped unexpectedly (exit ${code}).`);
      process.exit(1);
    });
    const endpoint: EmbeddedEndpoint = { host: '127.0.0.1', port, pid: process.pid };
    writeFileSync(endpointFile(dataDir), JSON.stringify(endpoint));
    return {
      endpoint,
      async close() {
        closing = true;
        // Closing PGlite flushes it to disk; give it time before giving up on the thread.
        await stopWorker(worker, { type: 'shutdown' }, 30_000);
        rmSync(endpointFile(dataDir), { force: true });
        rmSync(lockFile(dataDir), { force: true });
      },
    };
  } catch (err) {
    await worker.terminate();
    rmSync(lockFile(dataDir), { force: true });
    throw err;
  }
}

/** The node-postgres URL of an embedded endpoint. */
export function embeddedUrl(e: EmbeddedEndpoint): string {
  return `postgres://postgres@${e.host}:${e.port}/postgres?sslmode=disable`;
}
