#!/usr/bin/env node
// The `parley` command. Parley runs its TypeScript sources through tsx; child processes (agent jobs)
// inherit the loader through execArgv, so the CLI re-executes itself with `--import tsx` when needed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--no-warnings=ExperimentalWarning', cli, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
