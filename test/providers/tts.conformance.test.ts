/**
 * One TTS conformance suite, run against every cloud TTS through its fake (test/providers/targets.ts):
 * streaming, the chunked path, cancellation (barge-in), and the faults a call meets — refused key,
 * rate limit then success, provider errors after retries, a dropped connection, a stalled one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tts as agentsTts, tokenize } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import { bakery } from '../fixtures/bakery-agent.ts';
import type { FakeProviderControl } from '../fakes/control.ts';
import { isCancellation } from '../../src/providers/http-errors.ts';
import { norm } from '../helpers/text.ts';
import { transcribe } from '../helpers/transcribe.ts';
import {
  buildTarget,
  closeQuietly,
  type EmittedError,
  errorsOf,
  eventually,
  FAST,
  NO_RETRY_SHORT_TIMEOUT,
  pcmOf,
  toleratePluginTaskRejections,
  within,
  work,
} from './support.ts';
import { ttsTargets } from './targets.ts';

toleratePluginTaskRejections();

const TEXT = bakery.turns[0]!.reply; // "We open at nine in the morning."
const LONG = Array.from({ length: 8 }, (_, i) => `This is sentence number ${i + 1} of a long reply.`).join(
  ' ',
);

/**
 * A stream as a call opens one: providers without native streaming are wrapped in the framework's
 * sentence adapter, as AgentSession does.
 */
function openStream(tts: agentsTts.TTS, connOptions = FAST, text = TEXT) {
  let streaming: agentsTts.TTS = tts;
  if (!tts.capabilities.streaming) {
    streaming = new agentsTts.StreamAdapter(tts, new tokenize.basic.SentenceTokenizer());
    // The adapter re-emits the wrapped TTS's errors, which the tests read from the TTS itself.
    streaming.on('error', () => undefined);
  }
  const stream = streaming.stream({ connOptions });
  stream.pushText(text);
  stream.flush();
  stream.endInput();
  return stream;
}

/** Streams `text` through a fresh stream; resolves with the frames and when the first came. */
async function streamText(tts: agentsTts.TTS, text: string, connOptions = FAST) {
  const stream = openStream(tts, connOptions, text);
  const frames: AudioFrame[] = [];
  const started = Date.now();
  let firstAt: number | undefined;
  for await (const ev of stream) {
    if (ev === agentsTts.SynthesizeStream.END_OF_STREAM) break;
    firstAt ??= Date.now();
    frames.push(ev.frame);
  }
  return { frames, firstMs: firstAt === undefined ? undefined : firstAt - started };
}

/**
 * Consumes a stream until it ends, throws, or its TTS reports an unrecoverable error (which is
 * what ends a call: the session closes on it); never throws itself.
 */
async function drain(
  iterable: AsyncIterable<unknown>,
  errors: EmittedError[],
): Promise<{ items: number; threw?: Error }> {
  let items = 0;
  let done = false;
  const consumed = (async () => {
    try {
      for await (const ev of iterable) {
        if (ev === agentsTts.SynthesizeStream.END_OF_STREAM) break;
        items++;
      }
      return { items };
    } catch (err) {
      return { items, threw: err as Error };
    }
  })();
  const failed = (async () => {
    while (!done && !errors.some((e) => !e.recoverable)) await new Promise((r) => setTimeout(r, 25));
    return { items };
  })();
  try {
    return await Promise.race([consumed, failed]);
  } finally {
    done = true;
  }
}

for (const target of ttsTargets) {
  describe(`TTS conformance: ${target.name}`, { timeout: 120_000 }, () => {
    let fake: FakeProviderControl;
    before(async () => {
      fake = await target.start();
    });
    after(async () => {
      await fake?.close();
    });
    const fresh = () => {
      fake.reset();
      const tts = buildTarget('TTS', target, fake);
      return { tts, errors: errorsOf(tts) };
    };
    /** Errors that would end a call (a cancelled request is not one: the session ignores it). */
    const fatal = (errors: EmittedError[]) =>
      errors.filter((e) => !e.recoverable && !isCancellation(e.error));

    test('streams speech that says the text, no sooner than the provider answers', async () => {
      const { tts, errors } = fresh();
      fake.setLatency(200);
      const { frames, firstMs } = await within(streamText(tts, TEXT), 30_000, 'the stream');
      const { pcm, sampleRate } = pcmOf(frames);
      assert.ok(pcm.length / sampleRate > 1, `${pcm.length / sampleRate} s of audio`);
      assert.ok(firstMs !== undefined && firstMs >= 190, `first audio after ${firstMs} ms`);
      assert.equal(norm(await transcribe(pcm, sampleRate, [TEXT])), norm(TEXT));
      assert.deepEqual(fatal(errors), []);
      fake.setLatency(0);
      await closeQuietly(tts);
    });

    test('synthesize() (one request for a whole text) says it too', async () => {
      const { tts, errors } = fresh();
      const frames: AudioFrame[] = [];
      for await (const ev of tts.synthesize(TEXT, FAST)) frames.push(ev.frame);
      const { pcm, sampleRate } = pcmOf(frames);
      assert.equal(norm(await transcribe(pcm, sampleRate, [TEXT])), norm(TEXT));
      assert.deepEqual(fatal(errors), []);
      await closeQuietly(tts);
    });

    test('closing the stream mid-reply (barge-in) ends the request and the audio', async () => {
      const { tts, errors } = fresh();
      const stream = openStream(tts, FAST, LONG);
      let after = 0;
      let closed = false;
      for await (const ev of stream) {
        if (ev === agentsTts.SynthesizeStream.END_OF_STREAM) break;
        if (closed) after++;
        else {
          closed = true;
          stream.close();
        }
      }
      assert.ok(after < 50, `${after} frames after close`);
      // Either the request under way was cut short, or (sentence-by-sentence providers) the one
      // that was playing had already been sent whole and no further sentence was asked for.
      const sentences = LONG.split('. ').length;
      await eventually(
        () => {
          const reqs = work(fake, target);
          return reqs.some((r) => r.cancelled) || (reqs.length < sentences && reqs.every((r) => r.doneAt));
        },
        2_000,
        'the fake to see the request end',
      );
      assert.deepEqual(fatal(errors), [], 'a barge-in is not an error');
      await closeQuietly(tts);
    });

    test('a refused key is one attempt and an unrecoverable, non-retryable 401', async () => {
      fake.reset();
      const tts = buildTarget('TTS', target, fake, { wrongKey: true });
      const errors = errorsOf(tts);
      await within(drain(openStream(tts), errors), 20_000, 'the refused stream');
      await eventually(() => errors.length > 0, 5_000, 'an error event');
      assert.equal(errors[0]!.recoverable, false);
      assert.equal(errors[0]!.error.retryable, false);
      assert.equal(errors[0]!.error.statusCode, 401);
      assert.equal(work(fake, target).length, 1, 'not retried');
      await closeQuietly(tts);
    });

    test('a 429 is retried and the retry succeeds', async () => {
      const { tts, errors } = fresh();
      fake.failNext(429, 1);
      const { frames } = await within(streamText(tts, TEXT), 30_000, 'the retried stream');
      assert.ok(frames.length > 0, 'audio after the retry');
      assert.deepEqual(fatal(errors), []);
      assert.equal(work(fake, target)[0]!.status, 429);
      assert.ok(work(fake, target).length >= 2);
      await closeQuietly(tts);
    });

    test('5xx on every attempt: retried, then a retryable error ends the stream', async () => {
      const { tts, errors } = fresh();
      fake.failNext(500, 10);
      await within(drain(openStream(tts), errors), 30_000, 'the failing stream');
      await eventually(() => errors.some((e) => !e.recoverable), 10_000, 'the final error');
      const last = errors.find((e) => !e.recoverable)!;
      assert.equal(last.error.retryable, true);
      assert.equal(work(fake, target).length, FAST.maxRetry + 1);
      await closeQuietly(tts);
    });

    test('a connection dropped after the first audio is retried or reported, never left hanging', async () => {
      const { tts, errors } = fresh();
      fake.dropNext();
      const result = await within(drain(openStream(tts), errors), 30_000, 'the dropped stream');
      const retried = work(fake, target).length >= 2;
      assert.ok(retried || errors.length > 0 || result.threw, 'the drop was noticed');
      await closeQuietly(tts);
    });

    test('a provider that never answers times out', async () => {
      const { tts, errors } = fresh();
      fake.stallNext();
      const started = Date.now();
      await within(drain(openStream(tts, NO_RETRY_SHORT_TIMEOUT), errors), 20_000, 'the stalled stream');
      await eventually(() => errors.length > 0, 10_000, 'a timeout error');
      assert.ok(Date.now() - started < 15_000, `gave up after ${Date.now() - started} ms`);
      await closeQuietly(tts);
    });
  });
}
