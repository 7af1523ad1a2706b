import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobProcessFlags, withoutTsx } from './job-processes.ts';

test('the tsx loader is left out of the flags, in each way it can be given', () => {
  assert.deepEqual(withoutTsx(['--import', 'tsx', '--no-warnings=ExperimentalWarning']), [
    '--no-warnings=ExperimentalWarning',
  ]);
  assert.deepEqual(withoutTsx(['--import=tsx', '--max-old-space-size=512']), ['--max-old-space-size=512']);
  assert.deepEqual(withoutTsx(['--require', 'tsx/cjs', '--loader', 'tsx/esm', '--trace-warnings']), [
    '--trace-warnings',
  ]);
  assert.deepEqual(withoutTsx(['--import', 'file:///app/node_modules/tsx/dist/loader.mjs']), []);
  // Other preloads stay.
  assert.deepEqual(withoutTsx(['--import', './otel.mjs', '--cpu-prof']), [
    '--import',
    './otel.mjs',
    '--cpu-prof',
  ]);
});

test('job processes get the preload and source maps once', () => {
  const preload = new URL('file:///cache/job-preload-1.mjs');
  assert.deepEqual(jobProcessFlags(['--import', 'tsx', '--enable-source-maps'], preload), [
    '--enable-source-maps',
    '--import',
    'file:///cache/job-preload-1.mjs',
  ]);
  assert.deepEqual(jobProcessFlags([], preload), ['--enable-source-maps', '--import', preload.href]);
});
