import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AsyncIterableQueue } from '@livekit/agents';
import { SegmentLog } from './segment-log.ts';

const FLUSH = Symbol('flush');

function setup() {
  const input = new AsyncIterableQueue<string | symbol>();
  let n = 0;
  const log = new SegmentLog(input, FLUSH, () => `s${++n}`);
  let changes = 0;
  log.onChange(() => changes++);
  log.start();
  const settle = () => new Promise((r) => setImmediate(r));
  return { input, log, settle, changes: () => changes };
}

describe('SegmentLog', () => {
  it('concatenates text verbatim and cuts segments at flushes', async () => {
    const { input, log, settle, changes } = setup();
    for (const piece of ['Hello', ', ', 'there.']) input.put(piece);
    input.put(FLUSH);
    input.put('Bye');
    await settle();
    const [first, second] = log.pending();
    assert.deepEqual(
      { id: first!.id, text: first!.text, ended: first!.ended },
      { id: 's1', text: 'Hello, there.', ended: true },
    );
    assert.deepEqual(
      { id: second!.id, text: second!.text, ended: second!.ended },
      { id: 's2', text: 'Bye', ended: false },
    );
    assert.equal(log.inputDone, false);
    assert.ok(changes() >= 5, 'a change per item');
    input.close();
    await settle();
    assert.equal(second!.ended, true, 'the end of the input ends the last segment');
    assert.equal(log.inputDone, true);
    assert.equal(log.complete, false, 'two segments still to speak');
    log.finish(first!);
    log.finish(second!);
    assert.equal(log.complete, true);
    assert.deepEqual(log.pending(), []);
  });

  it('finishes whitespace-only segments at once and ignores empty flushes', async () => {
    const { input, log, settle } = setup();
    input.put(FLUSH);
    input.put('  ');
    input.put(FLUSH);
    input.put(' Hi');
    await settle();
    const pending = log.pending();
    assert.equal(pending.length, 1);
    assert.equal(pending[0]!.text, ' Hi');
  });

  it('ready() waits for speakable text, or the end of an input with nothing to say', async () => {
    const { input, log, settle } = setup();
    const signal = new AbortController().signal;
    let ready = false;
    void log.ready(signal).then(() => (ready = true));
    input.put(' ');
    await settle();
    assert.equal(ready, false, 'whitespace is not worth a context');
    input.put('Hi');
    await settle();
    assert.equal(ready, true);

    const empty = setup();
    let emptyReady = false;
    void empty.log.ready(signal).then(() => (emptyReady = true));
    empty.input.put(FLUSH);
    empty.input.close();
    await empty.settle();
    assert.equal(emptyReady, true);
    assert.equal(empty.log.complete, true);
  });

  it('ready() resolves when the stream aborts', async () => {
    const { log } = setup();
    const controller = new AbortController();
    const ready = log.ready(controller.signal);
    controller.abort();
    await ready;
  });
});
