import assert from 'node:assert/strict';
import { once } from 'node:events';
import { getPriority } from 'node:os';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { threadNiceValues } from '../../test/helpers/proc-tree.ts';
import { canRaisePriority, setProcessNice } from './cpu-priority.ts';

/** A worker thread that stays up until terminated: one more thread the process must carry along. */
async function idleThread(): Promise<Worker> {
  const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
  await once(worker, 'online');
  return worker;
}

const distinct = (values: number[]) => [...new Set(values)];

test(
  'every thread of the process follows, those started before and after',
  {
    skip: canRaisePriority()
      ? false
      : 'this user may not raise its priority again (needs root or CAP_SYS_NICE)',
  },
  async () => {
    const normal = getPriority(0);
    const before = await idleThread();
    try {
      assert.equal(setProcessNice(normal + 7), true);
      const after = await idleThread();
      try {
        const values = threadNiceValues(process.pid);
        // The main thread, Node's own threads and both workers' threads.
        assert.ok(values.length >= 6, `only ${values.length} threads listed`);
        assert.deepEqual(distinct(values), [normal + 7]);
      } finally {
        await after.terminate();
      }
      assert.equal(setProcessNice(normal), true);
      assert.deepEqual(distinct(threadNiceValues(process.pid)), [normal]);
    } finally {
      setProcessNice(normal);
      await before.terminate();
    }
  },
);
