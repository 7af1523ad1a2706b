#!/usr/bin/env node
// Runs every test file with Node's test runner (TypeScript through tsx), in two phases: the light
// suites (unit, API, database) two files at a time, then the suites that run whole platforms,
// browsers and SIP clients one file at a time, so they never compete for this machine's cores.
// Ends with one line: "tests: N passed, N failed, N skipped".
// Usage: node scripts/test.mjs [--only unit|integration] [file-substring ...]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
let only;
const filters = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--only') only = args[++i];
  else filters.push(args[i]);
}

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

let files = [...walk(join(root, 'src'), []), ...walk(join(root, 'test'), [])].sort();
if (only === 'unit') files = files.filter((f) => f.startsWith('src/'));
if (only === 'integration') files = files.filter((f) => f.startsWith('test/'));
if (filters.length) files = files.filter((f) => filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

const HEAVY = /^test\/(e2e|sip|media-server|cli)\//;
const phases = [
  { files: files.filter((f) => !HEAVY.test(f)), concurrency: process.env.TEST_CONCURRENCY ?? '2' },
  { files: files.filter((f) => HEAVY.test(f)), concurrency: '1' },
].filter((p) => p.files.length > 0);

const totals = { pass: 0, fail: 0, skipped: 0, todo: 0, cancelled: 0 };

function runPhase({ files: phaseFiles, concurrency }) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--no-warnings=ExperimentalWarning',
        '--test',
        // A file whose tests have all finished exits even if something it started left a handle
        // open (seen: a media-server RTCP timer after the browser suite), instead of holding the
        // run until CI's time limit.
        '--test-force-exit',
        `--test-concurrency=${concurrency}`,
        '--test-reporter=spec',
        ...phaseFiles,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], cwd: root, env: { ...process.env, NODE_ENV: 'test' } },
    );
    // The spec reporter ends a run with unindented summary lines ("ℹ pass 12"); the failure
    // details that follow them can be long, so every line is scanned, and the last value wins.
    const summary = {};
    let partial = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const m = line.match(/^ℹ (pass|fail|skipped|todo|cancelled) (\d+)\s*$/);
        if (m) summary[m[1]] = Number(m[2]);
      }
    });
    child.on('exit', (code, signal) => {
      for (const key of Object.keys(totals)) totals[key] += summary[key] ?? 0;
      if (code !== 0 && !summary.fail && !summary.cancelled) totals.fail += 1; // crashed before its summary
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

let exitCode = 0;
for (const phase of phases) {
  const code = await runPhase(phase);
  if (code !== 0) exitCode = code;
}
console.log(
  `\ntests: ${totals.pass} passed, ${totals.fail + totals.cancelled} failed, ${totals.skipped} skipped` +
    (totals.todo ? ` (${totals.todo} todo)` : ''),
);
process.exit(exitCode);
