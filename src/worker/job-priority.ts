/**
 * The CPU priority of a job process. Starting one (loading @livekit/agents and Parley, Silero and
 * flite in `prewarm`) takes 2–3 s of CPU, and the worker starts one each time a call takes a warm
 * process; on a small machine that start would take the CPU from the calls already talking, whose
 * audio then arrives late and in bursts. So a job process starts at a low priority (see
 * ./job-preload.ts) and returns to the worker's own priority once it has a call.
 */
import { getPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import { canRaisePriority, setProcessNice } from '../runtime/cpu-priority.ts';

/** The nice value a job process starts at: calls get about ten times its share of a busy CPU. */
export const STARTUP_NICE = 10;

/**
 * In a job process, before anything else loads: lowers the process to {@link STARTUP_NICE}, but
 * only where it may raise itself again for its call (otherwise the call would run at it too).
 * Returns whether it did.
 */
export function lowerForStartup(): boolean {
  if (!isMainThread) return false;
  const normal = getPriority(0);
  if (normal >= STARTUP_NICE || !canRaisePriority()) return false;
  return setProcessNice(STARTUP_NICE);
}

/** The worker's priority: what a job process runs its call at. */
function workerNice(): number {
  try {
    return getPriority(process.ppid);
  } catch {
    return 0; // the worker is gone; the job is about to be stopped anyway
  }
}

/** In a job process that has a call: back to the worker's priority. Returns whether it changed. */
export function restoreForCall(): boolean {
  const normal = workerNice();
  if (getPriority(0) === normal) return false;
  return setProcessNice(normal);
}
