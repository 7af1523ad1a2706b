/**
 * One STT conformance suite, run against every cloud STT through its fake (test/providers/targets.ts).
 * Streaming recognizers: speech in, interim and final transcripts out, cancellation, and the
 * faults a call meets (refused key, rate limit then success, errors after retries, a dropped
 * connection, a stalled one). Whole-utterance recognizers (`recognize()`, which AgentSession
 * drives through its VAD): the transcript, and errors classified for the retry loop.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { stt as agentsStt } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { resamplePcm16 } from '../../src/audio/resample.ts';
import { FliteSynthesizer } from '../../src/providers/flite/index.ts';
import { isCancellation } from '../../src/providers/http-errors.ts';
import { bakery } from '../fixtures/bakery-agent.ts';
import type { FakeProviderControl } from '../fakes/control.ts';
import { norm } from '../helpers/text.ts';
import {
  buildTarget,
  closeQuietly,
  type EmittedError,
  errorsOf,
  eventually,
  FAST,
  NO_RETRY_SHORT_TIMEOUT,
  toleratePluginTaskRejections,
  within,
  work,
} from './support.ts';
import { sttTargets } from './targets.ts';

toleratePluginTaskRejections();

const PHRASE = bakery.turns[0]!.say; // "what time do you open tomorrow"
const RATE = 16_000;
const FRAME = RATE / 50; // 20 ms

let speechPcm: Int16Array;
const synth = new FliteSynthesizer();
before(async () => {
  const r = await synth.synthesize(PHRASE, 'kal16');
  speechPcm = resamplePcm16(r.samples, r.sampleRate, RATE);
});
after(() => synth.close());

/** `ms` of speech (or silence after it) as 20 ms frames. */
function frames(pcm: Int16Array): AudioFrame[] {
  const out: AudioFrame[] = [];
  for (let i = 0; i < pcm.length; i += FRAME) {
    const data = new Int16Array(FRAME);
    data.set(pcm.subarray(i, i + FRAME));
    out.push(new AudioFrame(data, RATE, 1, FRAME));
  }
  return out;
}
const silence = (ms: number) => frames(new Int16Array((RATE * ms) / 1000));

/**
 * Feeds speech then a second of silence at twice real time, as a call's audio arrives; resolves
 * with the events, stopping at the first final transcript, the stream's end, or an unrecoverable
 * error of its STT.
 */
async function listen(stream: agentsStt.SpeechStream, errors: EmittedError[]) {
  const events: agentsStt.SpeechEvent[] = [];
  let done = false;
  const feeding = (async () => {
    const all = [...frames(speechPcm), ...silence(1000)];
    for (let i = 0; i < all.length && !done; i++) {
      stream.pushFrame(all[i]!);
      await new Promise((r) => setTimeout(r, 10));
    }
    if (!done) stream.endInput();
  })();
  const reading = (async () => {
    try {
      for await (const ev of stream) {
        events.push(ev);
        if (ev.type === agentsStt.SpeechEventType.FINAL_TRANSCRIPT && ev.alternatives?.[0]?.text) break;
      }
    } catch {
      // errors are read from the STT's error events
    }
  })();
  const failing = (async () => {
    while (!done && !errors.some((e) => !e.recoverable)) await new Promise((r) => setTimeout(r, 25));
  })();
  try {
    await Promise.race([reading, failing]);
  } finally {
    done = true;
  }
  await feeding;
  return events;
}

const finalText = (events: agentsStt.SpeechEvent[]) =>
  events.find((e) => e.type === agentsStt.SpeechEventType.FINAL_TRANSCRIPT)?.alternatives?.[0]?.text ?? '';

for (const target of sttTargets) {
  describe(`STT conformance: ${target.name}`, { timeout: 120_000 }, () => {
    let fake: FakeProviderControl;
    before(async () => {
      fake = await target.start();
    });
    after(async () => {
      await fake?.close();
    });
    const fresh = (opts: { wrongKey?: boolean } = {}) => {
      fake.reset();
      const stt = buildTarget('STT', target, fake, { ...opts, phrases: [PHRASE] });
      return { stt, errors: errorsOf(stt) };
    };
    const fatal = (errors: EmittedError[]) =>
      errors.filter((e) => !e.recoverable && !isCancellation(e.error));

    test('hears the words', async () => {
      const { stt, errors } = fresh();
      if (stt.capabilities.streaming) {
        const events = await within(
          listen(stt.stream({ connOptions: FAST }), errors),
          30_000,
          'the transcript',
        );
        assert.equal(norm(finalText(events)), norm(PHRASE), JSON.stringify(events.map((e) => e.type)));
        if (stt.capabilities.interimResults) {
          assert.ok(
            events.some((e) => e.type === agentsStt.SpeechEventType.INTERIM_TRANSCRIPT),
            'interim results before the final',
          );
        }
      } else {
        const ev = await within(stt.recognize(frames(speechPcm)), 30_000, 'recognize()');
        assert.equal(norm(ev.alternatives?.[0]?.text ?? ''), norm(PHRASE));
      }
      assert.deepEqual(fatal(errors), []);
      await closeQuietly(stt);
    });

    test('a refused key is an unrecoverable, non-retryable 401, tried once', async () => {
      const { stt, errors } = fresh({ wrongKey: true });
      if (stt.capabilities.streaming) {
        await within(listen(stt.stream({ connOptions: FAST }), errors), 20_000, 'the refused stream');
        await eventually(() => errors.length > 0, 5_000, 'an error event');
        assert.equal(errors[0]!.recoverable, false);
        assert.equal(errors[0]!.error.retryable, false);
        assert.equal(errors[0]!.error.statusCode, 401);
      } else {
        const err = await stt.recognize(frames(speechPcm)).then(
          () => undefined,
          (e: EmittedError['error']) => e,
        );
        assert.ok(err, 'recognize() rejects');
        assert.equal(err.statusCode, 401, `${err.name}: ${err.message}`);
        assert.equal(err.retryable, false);
      }
      assert.equal(work(fake, target).length, 1, 'not retried');
      await closeQuietly(stt);
    });

    test('5xx: a retryable error (after the retries, for streams)', async () => {
      const { stt, errors } = fresh();
      fake.failNext(500, 10);
      if (stt.capabilities.streaming) {
        await within(listen(stt.stream({ connOptions: FAST }), errors), 30_000, 'the failing stream');
        await eventually(() => errors.some((e) => !e.recoverable), 10_000, 'the final error');
        assert.equal(errors.find((e) => !e.recoverable)!.error.retryable, true);
        assert.equal(work(fake, target).length, FAST.maxRetry + 1);
      } else {
        const err = await stt.recognize(frames(speechPcm)).then(
          () => undefined,
          (e: EmittedError['error']) => e,
        );
        assert.ok(err, 'recognize() rejects');
        assert.equal(err.retryable, true, `${err.name}: ${err.message}`);
      }
      await closeQuietly(stt);
    });

    test('streams only: a 429 is retried and the retry hears the words', async (t) => {
      const { stt, errors } = fresh();
      if (!stt.capabilities.streaming) return t.skip('whole-utterance recognizer: retried by the session');
      fake.failNext(429, 1);
      const events = await within(
        listen(stt.stream({ connOptions: FAST }), errors),
        30_000,
        'the retried stream',
      );
      assert.equal(norm(finalText(events)), norm(PHRASE));
      assert.deepEqual(fatal(errors), []);
      assert.ok(work(fake, target).length >= 2);
      await closeQuietly(stt);
    });

    test('streams only: closing mid-utterance ends the connection', async (t) => {
      const { stt, errors } = fresh();
      if (!stt.capabilities.streaming) return t.skip('whole-utterance recognizer: nothing stays open');
      const stream = stt.stream({ connOptions: FAST });
      const speech = frames(speechPcm);
      for (const frame of speech.slice(0, speech.length / 2)) {
        stream.pushFrame(frame);
        await new Promise((r) => setTimeout(r, 10));
      }
      await eventually(() => work(fake, target).length > 0, 5_000, 'the connection');
      stream.close();
      await eventually(() => work(fake, target).some((r) => r.cancelled), 2_000, 'the fake to see the close');
      assert.deepEqual(fatal(errors), [], 'closing is not an error');
      await closeQuietly(stt);
    });

    test('streams only: a dropped connection is retried or reported, never left hanging', async (t) => {
      const { stt, errors } = fresh();
      if (!stt.capabilities.streaming) return t.skip('whole-utterance recognizer');
      fake.dropNext();
      await within(listen(stt.stream({ connOptions: FAST }), errors), 30_000, 'the dropped stream');
      const reconnected = work(fake, target).length >= 2;
      assert.ok(
        reconnected || errors.length > 0,
        `the drop was retried or reported: ${JSON.stringify(work(fake, target))}`,
      );
      await closeQuietly(stt);
    });

    test('streams only: a provider that never answers times out', async (t) => {
      const { stt, errors } = fresh();
      if (!stt.capabilities.streaming) return t.skip('whole-utterance recognizer');
      fake.stallNext();
      const started = Date.now();
      await within(
        listen(stt.stream({ connOptions: NO_RETRY_SHORT_TIMEOUT }), errors),
        20_000,
        'the stalled stream',
      );
      await eventually(() => errors.length > 0, 10_000, 'a timeout error');
      assert.ok(Date.now() - started < 15_000, `gave up after ${Date.now() - started} ms`);
      await closeQuietly(stt);
    });
  });
}
