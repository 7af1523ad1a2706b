/**
 * `@livekit/agents-plugin-deepgram` 1.9's own STT and TTS against the Deepgram fake: the gaps
 * that make Parley stream through its own classes (src/providers/deepgram). Each test asserts the
 * gap as it is; when one fails after an upgrade, the plugin has been fixed and Parley's
 * replacement of that piece can be reconsidered.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { APIError, APIStatusError, initializeLogger, stt } from '@livekit/agents';
import * as deepgramPlugin from '@livekit/agents-plugin-deepgram';
import { dispose } from '@livekit/rtc-node';
import { FliteSynthesizer } from '../../src/providers/flite/index.ts';
import { waitUntil } from '../helpers/wait.ts';
import { startDeepgramFake, type DeepgramFake } from './deepgram.ts';
import {
  callerAudio,
  drain,
  errorsOf,
  FAST,
  listen,
  push,
  RATE,
  REPLY,
  sleep,
  within,
} from './deepgram-harness.ts';

describe('the Deepgram plugin’s own clients against the fake', { timeout: 60_000 }, () => {
  let fake: DeepgramFake;
  let synth: FliteSynthesizer;
  let caller: Int16Array;

  before(async () => {
    initializeLogger({ pretty: false, level: 'fatal' });
    synth = new FliteSynthesizer();
    caller = await callerAudio(synth);
    fake = await startDeepgramFake();
    await fake.warm([REPLY]);
  });
  after(async () => {
    await fake?.close();
    await synth?.close();
    await dispose();
  });
  beforeEach(() => fake.reset());

  test('plugin TTS.synthesize() ignores the base URL’s scheme and port (node:https to :443)', async () => {
    const speaker = new deepgramPlugin.TTS({ apiKey: fake.apiKey, baseUrl: fake.baseUrl });
    const errors = errorsOf(speaker);
    const request = speaker.synthesize(REPLY, FAST);
    // The framework lets a failed ChunkedStream's retry loop reject unread (agents 1.9
    // src/tts/tts.ts:764); Parley's DeepgramSpeakRequest guards against it, the plugin's not.
    const internals = request as unknown as { mainTask: () => Promise<void> };
    const mainTask = internals.mainTask.bind(request);
    internals.mainTask = () => mainTask().catch(() => undefined);
    const { frames } = await within(drain(request), 10_000, 'the plugin request');
    assert.equal(frames.length, 0);
    assert.equal(fake.requests.length, 0, 'the fake was never reached');
    assert.equal(errors.length, 1);
    assert.ok(
      !(errors[0] instanceof APIError),
      `a plain error the framework cannot retry: ${String(errors[0])}`,
    );
  });

  test('plugin TTS.stream() turns a 401 upgrade into a plain Error (no status, not classified)', async () => {
    const speaker = new deepgramPlugin.TTS({ apiKey: 'wrong', baseUrl: fake.baseUrl });
    const errors = errorsOf(speaker);
    const stream = speaker.stream({ connOptions: FAST });
    stream.pushText(REPLY);
    stream.endInput();
    await within(drain(stream), 5_000, 'the plugin stream to end');
    assert.equal(errors.length, 1);
    assert.ok(!(errors[0] instanceof APIStatusError), String(errors[0]));
  });

  test('plugin STT.stream() waits forever on a stalled handshake', async () => {
    fake.stallNext();
    const recognizer = new deepgramPlugin.STT({
      apiKey: fake.apiKey,
      baseUrl: fake.baseUrl.replace(/^http/, 'ws'),
    });
    const errors = errorsOf(recognizer);
    const stream = recognizer.stream({ connOptions: { maxRetry: 0, retryIntervalMs: 50, timeoutMs: 500 } });
    const heard = listen(stream);
    void push(stream, caller.subarray(0, RATE));
    // Waiting out five timeouts: a bounded window in which the plugin would have given up.
    const outcome = await Promise.race([
      heard.done.then(() => 'ended'),
      sleep(2_500).then(() => 'still waiting'),
    ]);
    assert.equal(outcome, 'still waiting', 'the plugin gave up (it now has a handshake timeout?)');
    assert.deepEqual(errors, []);
    stream.close();
    await within(heard.done, 2_000, 'the plugin stream to close');
  });

  test('plugin STT.stream() does not notice a dropped connection: no reconnect, no final', async () => {
    fake.dropNext();
    const recognizer = new deepgramPlugin.STT({
      apiKey: fake.apiKey,
      baseUrl: fake.baseUrl.replace(/^http/, 'ws'),
    });
    const stream = recognizer.stream({ connOptions: FAST });
    const heard = listen(stream);
    await push(stream, caller, 4);
    await waitUntil(() => fake.requests[0]?.fault === 'drop', 5_000, 'the drop');
    // An absence has no event to wait for: a reconnection would come within this window (the
    // plugin's first retry has no delay).
    await sleep(1_000);
    assert.equal(fake.requests.length, 1, 'the plugin reconnected (it now watches its socket?)');
    assert.equal(heard.of(stt.SpeechEventType.FINAL_TRANSCRIPT).length, 0);
    stream.close();
    await within(heard.done, 2_000, 'the plugin stream to close');
  });
});
