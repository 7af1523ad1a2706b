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

/** Bundles a parent process built for its children: `{ entry href: bundle href }`, as JSON. */
const PREBUILT_ENV = 'PARLEY_WORKER_BUNDLES';

let bundles: Map<string, URL> | undefined;

function knownBundles(): Map<string, URL> {
  if (!bundles) {
    bundles = new Map();
    try {
      const prebuilt = JSON.parse(process.env[PREBUILT_ENV] ?? '{}') as Record<string, string>;
      for (const [entry, bundle] of Object.entries(prebuilt)) bundles.set(entry, new URL(bundle));
    } catch {
      // Not JSON: every bundle is built here instead.
    }
  }
  return bundles;
}

/** The bundled, loader-free version of a TypeScript worker entry (built once per process). */
export function bundledWorkerUrl(moduleUrl: URL): URL {
  const known = knownBundles();
  let url = known.get(moduleUrl.href);
  if (!url) {
    url = bundleSync(moduleUrl);
    known.set(moduleUrl.href, url);
  }
  return url;
}

/**
 * Builds the bundles of these worker entries now and hands them to the child processes started
 * from here on (through their environment): a job process then starts its workers without
 * running esbuild itself (one synchronous esbuild run per entry, about 60 ms of CPU each).
 */
export function prebuildWorkerBundles(entries: URL[]): void {
  const prebuilt = Object.fromEntries(entries.map((entry) => [entry.href, bundledWorkerUrl(entry).href]));
  process.env[PREBUILT_ENV] = JSON.stringify(prebuilt);
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
