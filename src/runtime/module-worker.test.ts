import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { bundledWorkerUrl, prebuildWorkerBundles } from './module-worker.ts';

const entry = new URL('../../test/fixtures/bundle/entry.ts', import.meta.url);
const moduleWorker = new URL('./module-worker.ts', import.meta.url);

/** What `bundledWorkerUrl(entry)` answers in a new process with this environment. */
function bundleInChild(env: NodeJS.ProcessEnv): string {
  const script = `import('${moduleWorker.href}').then((m) => console.log(m.bundledWorkerUrl(new URL('${entry.href}')).href))`;
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env,
    encoding: 'utf8',
  }).trim();
}

test('child processes use the worker bundles their parent built', () => {
  const saved = process.env.PARLEY_WORKER_BUNDLES;
  try {
    prebuildWorkerBundles([entry]);
    const built = bundledWorkerUrl(entry).href;
    assert.deepEqual(JSON.parse(process.env.PARLEY_WORKER_BUNDLES!), { [entry.href]: built });
    // A child with the parent's environment takes that file; given another one, it uses it as is.
    assert.equal(bundleInChild(process.env), built);
    const elsewhere = 'file:///elsewhere/entry-0000000000000000.mjs';
    assert.equal(
      bundleInChild({ ...process.env, PARLEY_WORKER_BUNDLES: JSON.stringify({ [entry.href]: elsewhere }) }),
      elsewhere,
    );
    // Without it, the child builds the same bundle itself.
    assert.equal(bundleInChild({ ...process.env, PARLEY_WORKER_BUNDLES: '' }), built);
  } finally {
    if (saved === undefined) delete process.env.PARLEY_WORKER_BUNDLES;
    else process.env.PARLEY_WORKER_BUNDLES = saved;
  }
});
