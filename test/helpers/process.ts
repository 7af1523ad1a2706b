import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PARLEY_BIN = fileURLToPath(new URL('../../bin/parley.js', import.meta.url));
const PARLEY_CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** A child process with its output collected, stoppable as a group. */
export interface Proc {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout, or rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  exited: Promise<number | null>;
}

export function spawnParley(args: string[], env: Record<string, string>): Proc {
  // PARLEY_CPU_PROF_DIR=<dir> writes a CPU profile of the Parley process there when it exits (the
  // CLI itself, not bin/parley.js, which only re-executes it with the TypeScript loader).
  const profile = process.env.PARLEY_CPU_PROF_DIR;
  const command = profile
    ? ['--cpu-prof', `--cpu-prof-dir=${profile}`, '--import', 'tsx', PARLEY_CLI, ...args]
    : [PARLEY_BIN, ...args];
  const child = spawn(process.execPath, command, {
    env: { ...process.env, LOG_LEVEL: process.env.PARLEY_TEST_LOG_LEVEL ?? 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  // PARLEY_TEST_LOGS=<dir> keeps every process's output there, to read after a failed run.
  const logDir = process.env.PARLEY_TEST_LOGS;
  if (logDir) {
    mkdirSync(logDir, { recursive: true });
    const file = createWriteStream(join(logDir, `${Date.now()}-${child.pid}-${args[0] ?? 'parley'}.log`));
    child.stdout!.pipe(file);
    child.stderr!.pipe(file);
  }
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const timer = setInterval(() => {
          const m = out.match(pattern);
          if (m) {
            clearInterval(timer);
            resolve(m);
          } else if (child.exitCode !== null || Date.now() - started > timeoutMs) {
            clearInterval(timer);
            reject(
              new Error(
                `Timed out after ${timeoutMs} ms waiting for ${what} (exit ${child.exitCode}).\nstdout:\n${out}\nstderr:\n${err}`,
              ),
            );
          }
        }, 50);
      });
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null) return child.exitCode;
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        return child.exitCode;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs a parley command to completion. */
export async function runParley(args: string[], env: Record<string, string>, timeoutMs = 60_000) {
  const p = spawnParley(args, env);
  const timer = setTimeout(() => void p.stop(1000), timeoutMs);
  const code = await p.exited;
  clearTimeout(timer);
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}
