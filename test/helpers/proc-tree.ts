/** Processes and threads read from /proc (Linux): what the platform under test is running. */
import { readdirSync, readFileSync } from 'node:fs';

/** Fields of /proc/<pid>/stat after the command name, so that `field(n)` is stat field n. */
function statFields(path: string): ((n: number) => string) | undefined {
  try {
    const stat = readFileSync(path, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (n) => rest[n - 3]!;
  } catch {
    return undefined; // gone
  }
}

/** `root` and every process descended from it. */
export function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const field = statFields(`/proc/${name}/stat`);
    if (field) parents.set(Number(name), Number(field(4)));
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, ppid] of parents) if (ppid === out[i]) out.push(pid);
  return out;
}

/** A process's command line, or undefined once it has exited. */
export function commandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/**
 * The nice values of a process's threads under the normal scheduler (real-time threads, such as
 * some of libwebrtc's audio threads, have a priority of their own instead).
 */
export function threadNiceValues(pid: number): number[] {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tids.flatMap((tid) => {
    const field = statFields(`/proc/${pid}/task/${tid}/stat`);
    // Field 41 is the scheduling policy (0: SCHED_OTHER), field 19 the nice value.
    return field && field(41) === '0' ? [Number(field(19))] : [];
  });
}
