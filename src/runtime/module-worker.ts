/**
 * Starting a `worker_threads` worker from an ES module that may be TypeScript.
 *
 * Node 20 does not pass `--import tsx` on to workers, and registering tsx inside a worker starts
 * an off-thread module loader that Node 20 can crash (SIGSEGV) while the worker shuts down — often
 * enough to kill a job process when its recognizer or synthesizer stops. So a `.ts` worker entry
 * is bundled once per process into a plain `.mjs` (./bundle.ts), and the worker runs that file with
 * no loader at all. Compiled `.js` entries start directly.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { bundleSync } from './bundle.ts';

const bundles = new Map<string, URL>();

/** The bundled, loader-free version of a TypeScript worker entry (built once per process). */
export function bundledWorkerUrl(moduleUrl: URL): URL {
  let url = bundles.get(moduleUrl.href);
  if (!url) {
    url = bundleSync(moduleUrl);
    bundles.set(moduleUrl.href, url);
  }
  return url;
}

/** Starts `moduleUrl` (a `.ts` or `.js` ES module) in a new worker thread. */
export function spawnModuleWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl, options);
  return new Worker(bundledWorkerUrl(moduleUrl), options);
}

/**
 * The URL of a sibling module of `baseUrl`, with the same extension as `baseUrl` (so the `.ts`
 * source tree and a compiled `.js` tree both resolve).
 */
export function siblingModuleUrl(baseUrl: string, name: string): URL {
  const extension = new URL(baseUrl).pathname.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${extension}`, baseUrl);
}

/**
 * Stops a worker by asking it to exit (`shutdown` message; it finishes the native or wasm call it is
 * in, then closes its port), and terminates it only if it has not exited after `graceMs`.
 */
export async function stopWorker(worker: Worker, shutdown: unknown, graceMs = 5_000): Promise<void> {
  if (worker.threadId === -1) return; // already exited
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  try {
    worker.postMessage(shutdown);
  } catch {
    // The port is already closed: the worker is on its way out.
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), graceMs);
  });
  const late = await Promise.race([exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (late) await worker.terminate();
}
