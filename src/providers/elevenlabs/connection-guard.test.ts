/**
 * The connection guard against a stub of the plugin's connection and stream, so each rule is
 * checked on its own and without a network (the fake-server tests cover it with the real plugin).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { APIConnectionError, APIStatusError, APITimeoutError, initializeLogger } from '@livekit/agents';
import { finalError, GuardedConnection, type PluginConnection } from './connection-guard.ts';

initializeLogger({ pretty: false, level: 'fatal' });

interface Waiter {
  resolve: (v: void) => void;
  reject: (e: Error) => void;
}

/** What the plugin's `Connection` sees and does, recorded. */
class StubConnection {
  registered: { stream: StubStream; waiter: Waiter }[] = [];
  sent: { contextId: string; text: string; flush: boolean }[] = [];
  closedContexts: string[] = [];
  closeCalls = 0;
  dead = false;
  voiceId = 'v';
  isCurrent = true;
  closed = false;
  markNonCurrent() {}
  async connect() {}
  async close() {
    this.closeCalls++;
  }
  registerStream(stream: StubStream, waiter: Waiter) {
    this.registered.push({ stream, waiter });
  }
  sendContent(content: { contextId: string; text: string; flush: boolean }) {
    if (this.dead) throw new APIConnectionError({ message: 'WebSocket connection is closed' });
    this.sent.push(content);
  }
  closeContext(contextId: string) {
    if (this.dead) throw new APIConnectionError({ message: 'WebSocket connection is closed' });
    this.closedContexts.push(contextId);
  }
}

/** The stream surface the plugin's connection uses. */
class StubStream {
  readonly abort = new AbortController();
  audio: Buffer[] = [];
  done = false;
  constructor(
    readonly contextId: string,
    timeoutMs: number,
  ) {
    this.connOptions = { timeoutMs, maxRetry: 3, retryIntervalMs: 100 };
  }
  connOptions: { timeoutMs: number; maxRetry: number; retryIntervalMs: number };
  get abortSignal() {
    return this.abort.signal;
  }
  pushAudio(data: Buffer) {
    this.audio.push(data);
  }
  markDone() {
    this.done = true;
  }
}

function setup(timeoutMs = 60) {
  const conn = new StubConnection();
  const guard = new GuardedConnection(conn as unknown as PluginConnection);
  const open = (id: string) => {
    const stream = new StubStream(id, timeoutMs);
    const outcome: { resolved?: boolean; error?: Error } = {};
    guard.registerStream(stream as never, {
      resolve: () => (outcome.resolved = true),
      reject: (e) => (outcome.error = e),
    });
    const inner = conn.registered.at(-1)!;
    return { stream, outcome, inner };
  };
  return { conn, guard, open };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('finalError', () => {
  test('retryable errors become non-retryable, of a class run() passes through', () => {
    const status = finalError(new APIStatusError({ message: 'closed', options: { statusCode: 1006 } }));
    assert.ok(status instanceof APIStatusError);
    assert.equal((status as APIStatusError).statusCode, 1006);
    assert.equal((status as APIStatusError).retryable, false);
    const conn = finalError(new APIConnectionError({ message: 'gone' }));
    assert.ok(conn instanceof APIStatusError, 'run() would make an APIConnectionError retryable again');
    assert.equal((conn as APIStatusError).retryable, false);
    const timeout = finalError(new APITimeoutError({ message: 'slow' }));
    assert.ok(timeout instanceof APITimeoutError);
    assert.equal((timeout as APITimeoutError).retryable, false);
    const plain = finalError(new Error('boom'));
    assert.ok(plain instanceof APIStatusError && !plain.retryable);
  });

  test('an error that is already final is passed as it is', () => {
    const e = new APIStatusError({ message: 'bad key', options: { statusCode: 401 } });
    assert.equal(finalError(e), e);
  });
});

describe('GuardedConnection', () => {
  test('forwards messages and hands the plugin a stream that reaches the real one', () => {
    const { conn, guard, open } = setup();
    const { stream, inner } = open('c1');
    guard.sendContent({ contextId: 'c1', text: 'Hello. ', flush: true });
    guard.closeContext('c1');
    assert.deepEqual(conn.sent, [{ contextId: 'c1', text: 'Hello. ', flush: true }]);
    assert.deepEqual(conn.closedContexts, ['c1']);
    assert.equal(inner.stream.contextId, 'c1');
    inner.stream.pushAudio(Buffer.from([1, 2]));
    assert.equal(stream.audio.length, 1);
    inner.waiter.resolve();
  });

  test('no audio within timeoutMs of the first flush fails the stream and closes the socket', async () => {
    const { conn, guard, open } = setup(60);
    const { stream, outcome } = open('c1');
    guard.sendContent({ contextId: 'c1', text: 'Hello. ', flush: true });
    await sleep(30);
    assert.equal(outcome.error, undefined);
    await sleep(80);
    // Read afresh: the assertion above narrowed `outcome.error` to undefined.
    const error: unknown = outcome.error;
    assert.ok(error instanceof APITimeoutError, String(error));
    assert.equal(error.retryable, false);
    assert.equal(stream.done, true, 'the plugin’s audio task is told to stop');
    assert.equal(conn.closeCalls, 1);
  });

  test('waiting for the LLM between sentences is not a timeout; silence after close_context is', async () => {
    const { guard, open } = setup(60);
    const { outcome, inner } = open('c1');
    guard.sendContent({ contextId: 'c1', text: 'One. ', flush: true });
    inner.stream.pushAudio(Buffer.alloc(2));
    await sleep(120); // the next sentence is late: fine
    assert.equal(outcome.error, undefined);
    guard.sendContent({ contextId: 'c1', text: 'Two. ', flush: true });
    guard.sendContent({ contextId: 'c1', text: '', flush: true });
    guard.closeContext('c1');
    for (let i = 0; i < 3; i++) {
      await sleep(40);
      inner.stream.pushAudio(Buffer.alloc(2)); // audio keeps coming: the clock restarts
    }
    assert.equal(outcome.error, undefined);
    await sleep(100);
    const error: unknown = outcome.error;
    assert.ok(error instanceof APITimeoutError, 'the final never came');
  });

  test('a finished context stops its clock', async () => {
    const { guard, open } = setup(40);
    const { outcome, inner } = open('c1');
    guard.sendContent({ contextId: 'c1', text: 'Hi. ', flush: true });
    guard.closeContext('c1');
    inner.waiter.resolve();
    await sleep(80);
    assert.deepEqual(outcome, { resolved: true });
  });

  test('a failure after the stream started reaches run() as not retryable', () => {
    const { open } = setup();
    const { outcome, inner } = open('c1');
    inner.waiter.reject(
      new APIStatusError({ message: 'closed unexpectedly', options: { statusCode: 1006 } }),
    );
    assert.ok(outcome.error instanceof APIStatusError);
    assert.equal((outcome.error as APIStatusError).statusCode, 1006);
    assert.equal((outcome.error as APIStatusError).retryable, false);
  });

  test('a dead socket fails the stream instead of throwing into run()', () => {
    const { conn, guard, open } = setup();
    const { outcome } = open('c1');
    conn.dead = true;
    assert.doesNotThrow(() => guard.sendContent({ contextId: 'c1', text: 'Hi. ', flush: true }));
    assert.ok(outcome.error instanceof APIStatusError && !outcome.error.retryable);
    // Unknown contexts keep the plugin's behaviour.
    assert.throws(
      () => guard.sendContent({ contextId: 'other', text: 'x', flush: false }),
      APIConnectionError,
    );
  });

  test('cancelling the only context mid-reply closes the socket', () => {
    const { conn, guard, open } = setup();
    const { stream } = open('c1');
    guard.sendContent({ contextId: 'c1', text: 'A long reply. ', flush: true });
    stream.abort.abort();
    assert.equal(conn.closeCalls, 1);
  });

  test('cancelling leaves the socket open when nothing was sent or another context is live', () => {
    const { conn, guard, open } = setup();
    const idle = open('idle');
    idle.stream.abort.abort(); // no text yet: nothing is being generated
    assert.equal(conn.closeCalls, 0);
    const a = open('a');
    open('b');
    guard.sendContent({ contextId: 'a', text: 'Reply A. ', flush: true });
    a.stream.abort.abort();
    assert.equal(conn.closeCalls, 0, 'closing would break context b');
  });

  test('cancelling after the final does nothing', () => {
    const { conn, guard, open } = setup();
    const { stream, inner } = open('c1');
    guard.sendContent({ contextId: 'c1', text: 'Done. ', flush: true });
    inner.waiter.resolve();
    stream.abort.abort();
    assert.equal(conn.closeCalls, 0);
  });
});
