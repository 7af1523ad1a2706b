/**
 * The CPU priority (nice value) of this whole process. Linux keeps a nice value per thread and a
 * new thread takes its creator's, while `os.setPriority(0, …)` changes the calling thread only; a
 * Node process already runs a dozen threads (libuv's pool, V8's compilers and collector) by the
 * time its code runs, so each of them is set. Elsewhere the process has one value, which
 * `os.setPriority` sets.
 */
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The ids of this process's threads (Linux), or undefined where /proc does not list them. */
function threadIds(): number[] | undefined {
  try {
    return readdirSync('/proc/self/task').map(Number);
  } catch {
    return undefined;
  }
}

/**
 * Sets every thread of this process to `nice` (−20 highest … 19 lowest). Returns false when the
 * system refused it for some thread (raising priority needs root, CAP_SYS_NICE or RLIMIT_NICE).
 */
export function setProcessNice(nice: number): boolean {
  const tids = threadIds();
  if (!tids) {
    try {
      setPriority(0, nice);
      return true;
    } catch {
      return false;
    }
  }
  let ok = true;
  for (const tid of tids) {
    try {
      setPriority(tid, nice);
    } catch (err) {
      // A thread that exited since the listing is no refusal.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') ok = false;
    }
  }
  return ok;
}

/**
 * Whether this process may raise its priority again after lowering it. Tried on the calling
 * thread: one step down and back. When the way back is refused the thread stays one step lower,
 * which is harmless.
 */
export function canRaisePriority(): boolean {
  const current = getPriority(0);
  if (current >= 19) return false;
  try {
    setPriority(0, current + 1);
    setPriority(0, current);
    return true;
  } catch {
    return false;
  }
}
