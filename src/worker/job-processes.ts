/**
 * How the worker's job processes start. @livekit/agents forks one per call (and keeps idle ones
 * warm) with the worker's own Node flags, `process.execArgv`, and imports the agent module it was
 * given. Parley gives it a prebuilt bundle of ./job.ts and forks it without the tsx loader, whose
 * hooks cost about 1 s of CPU per process, with the bundles of the speech engines' worker threads
 * built too; and preloads ./job-preload.ts, which starts the process at a low CPU priority
 * (./job-priority.ts).
 */
import { FLITE_WORKER_ENTRY } from '../providers/flite/index.ts';
import { POCKETSPHINX_WORKER_ENTRY } from '../providers/pocketsphinx/index.ts';
import { bundleEntry } from '../runtime/bundle.ts';
import { prebuildWorkerBundles } from '../runtime/module-worker.ts';

const JOB_ENTRY = new URL('./job.ts', import.meta.url);
const JOB_PRELOAD = new URL('./job-preload.ts', import.meta.url);

/** Flags that load a module into the process, which take the module as their next argument. */
const LOADING_FLAGS = new Set(['--import', '--loader', '--experimental-loader', '--require', '-r']);
const TSX = /^tsx(\/|$)|[\\/]node_modules[\\/]tsx[\\/]/;

/** `argv` (Node flags) without those that load tsx. */
export function withoutTsx(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    if (eq > 0 && LOADING_FLAGS.has(arg.slice(0, eq)) && TSX.test(arg.slice(eq + 1))) continue;
    if (LOADING_FLAGS.has(arg) && TSX.test(argv[i + 1] ?? '')) {
      i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}

/** The flags job processes start with: the worker's own, but tsx, plus the preload. */
export function jobProcessFlags(workerFlags: readonly string[], preload: URL): string[] {
  const flags = withoutTsx(workerFlags);
  if (!flags.includes('--enable-source-maps')) flags.push('--enable-source-maps');
  return [...flags, '--import', preload.href];
}

/**
 * Builds the job bundles and sets the flags the worker's job processes are forked with. Returns
 * the agent module to give @livekit/agents.
 */
export async function prepareJobProcesses(): Promise<string> {
  const [job, preload] = await Promise.all([bundleEntry(JOB_ENTRY), bundleEntry(JOB_PRELOAD)]);
  // The worker threads a job starts (speech engines) are bundled once here, not in every process.
  prebuildWorkerBundles([FLITE_WORKER_ENTRY, POCKETSPHINX_WORKER_ENTRY]);
  // Read by child_process.fork when it is given no execArgv, as @livekit/agents does; worker
  // threads take the flags the process really started with, so they are unaffected.
  process.execArgv = jobProcessFlags(process.execArgv, preload);
  return job.pathname;
}
