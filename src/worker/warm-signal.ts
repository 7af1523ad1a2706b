/**
 * How a prewarmed job process tells its worker it is ready. @livekit/agents forks job processes
 * and warms them in the background, with no event for "a process is warm"; a call that arrives
 * first waits for a process to start from nothing (seconds on a busy 2-core machine). The worker
 * names a file in the environment its children inherit, each warmed process appends a line to it,
 * and the worker reports itself started only once one has.
 */
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ENV = 'PARLEY_WARM_SIGNAL_FILE';

/** In a job process: records that this process finished its prewarm. */
export function signalWarm(): void {
  const file = process.env[ENV];
  if (file) appendFileSync(file, `${process.pid}\n`);
}

/** In the worker: a fresh signal file, set in the environment before job processes are forked. */
export function createWarmSignal(): {
  /** Resolves true once a job process is warm, false after `timeoutMs`. */
  wait(timeoutMs: number): Promise<boolean>;
  dispose(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'parley-warm-'));
  const file = join(dir, 'warm');
  process.env[ENV] = file;
  return {
    async wait(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!existsSync(file)) {
        if (Date.now() > deadline) return false;
        await new Promise((r) => setTimeout(r, 50));
      }
      return true;
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
