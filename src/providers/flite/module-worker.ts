/**
 * Starting a `worker_threads` worker from an ES module that may be TypeScript.
 *
 * Node 20 does not pass `--import tsx` on to workers, so a `.ts` worker file is loaded through a
 * tiny bootstrap that registers tsx inside the worker first. Compiled `.js` files start directly.
 * (Shared by the flite and pocketsphinx providers; a candidate for a shared runtime folder.)
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Starts `moduleUrl` (a `.ts` or `.js` ES module) in a new worker thread. */
export function spawnModuleWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl, options);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap =
    `import(${JSON.stringify(tsxApi)})` +
    `.then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
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
 * `Worker.terminate()` while a thread is inside WASI or a native library call can crash the whole
 * process on Node 20, so it is the last resort, not the way out.
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
