/**
 * Parley's Cartesia adapter (src/providers/cartesia) against the fake Cartesia API: the websocket
 * stream, `/tts/bytes`, the account calls, and one test per fault knob. Speech is checked by ear
 * (pocketsphinx), so a pass means the words really arrived in order.
 */
import assert from 'node:assert/strict';
import { ReadableStream } from 'node:stream/web';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  APIConnectionError,
  type APIError,
  APIStatusError,
  APITimeoutError,
  initializeLogger,
  tts as agentsTts,
  type APIConnectOptions,
} from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import { audioFramesToPcm } from '../../src/audio/frames.ts';
import { findModel } from '../../src/catalog/index.ts';
import { CartesiaTTS, cartesiaAccount, cartesiaFactories } from '../../src/providers/cartesia/index.ts';
import { ProviderAccountError } from '../../src/providers/types.ts';
import { bakery } from '../fixtures/bakery-agent.ts';
import { norm } from '../helpers/text.ts';
import { transcribe } from '../helpers/transcribe.ts';
import { CUSTOM_VOICE, FAKE_CARTESIA_VOICES, startCartesiaFake, type FakeCartesia } from './cartesia.ts';
import { tokens } from './openai-rest.ts';

const RATE = 24_000;
/** Quick retries so the fault tests stay short; the framework's defaults wait 2 s between retries. */
const FAST: APIConnectOptions = { maxRetry: 2, retryIntervalMs: 50, timeoutMs: 3_000 };
const NO_RETRY: APIConnectOptions = { maxRetry: 0, retryIntervalMs: 50, timeoutMs: 1_500 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Collected {
  frames: AudioFrame[];
  events: agentsTts.SynthesizedAudio[];
  /** When each frame arrived (epoch ms). */
  times: number[];
  ended: boolean;
}

/** Reads a stream to its end (END_OF_STREAM or closed output), bounded by `limitMs`. */
async function collect(
  stream: AsyncIterable<agentsTts.SynthesizedAudio | typeof agentsTts.SynthesizeStream.END_OF_STREAM>,
  limitMs = 20_000,
  onAudio?: (c: Collected) => void,
): Promise<Collected> {
  const out: Collected = { frames: [], events: [], times: [], ended: false };
  const reading = (async () => {
    for await (const ev of stream) {
      if (ev === agentsTts.SynthesizeStream.END_OF_STREAM) {
        out.ended = true;
        break;
      }
      out.frames.push(ev.frame);
      out.events.push(ev);
      out.times.push(Date.now());
      onAudio?.(out);
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the stream did not end within ${limitMs} ms`)), limitMs);
  });
  try {
    await Promise.race([reading, limit]);
  } finally {
    clearTimeout(timer);
  }
  return out;
}

/** The errors a TTS emits (the framework's only report of a failed stream). */
function errorsOf(model: CartesiaTTS): APIError[] {
  const errors: APIError[] = [];
  model.on('error', (e) => errors.push(e.error as APIError));
  return errors;
}

async function heard(frames: AudioFrame[], expected: string[]): Promise<string> {
  return norm(await transcribe(audioFramesToPcm(frames), frames[0]?.sampleRate ?? RATE, expected));
}

/** Waits until `check` holds, polling; fails with `what` after `limitMs`. */
async function until(check: () => boolean, what: string, limitMs = 2_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > end) assert.fail(`${what} (waited ${limitMs} ms)`);
    await sleep(10);
  }
}

describe('Cartesia adapter against the fake Cartesia API', { timeout: 180_000 }, () => {
  let fake: FakeCartesia;
  const reply = bakery.turns[0]!.reply; // "We open at nine in the morning."
  // The longer phrase. (The cake reply's "flavour" is not in pocketsphinx's dictionary.)
  const welcome = bakery.welcome; // "Hello, thank you for calling the bakery."
  const human = bakery.turns[2]!.reply; // "Of course, let me find someone for you."

  const make = (over: Partial<ConstructorParameters<typeof CartesiaTTS>[0]> = {}) =>
    new CartesiaTTS({ apiKey: fake.apiKey, baseUrl: fake.baseUrl, language: 'en-US', ...over });

  before(async () => {
    initializeLogger({ pretty: false, level: 'fatal' });
    fake = await startCartesiaFake();
  });
  after(async () => {
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  test('streams a bakery reply over the websocket: 24 kHz speech of the text, one context', async () => {
    const model = make();
    try {
      const stream = model.stream();
      stream.pushText(reply);
      stream.endInput();
      const got = await collect(stream);
      assert.equal(got.ended, true, 'END_OF_STREAM arrives');
      assert.ok(got.frames.length > 10, `${got.frames.length} frames`);
      assert.ok(got.frames.every((f) => f.sampleRate === RATE && f.channels === 1));
      assert.deepEqual(
        got.events.map((e) => e.final),
        got.events.map((_, i) => i === got.events.length - 1),
        'only the last frame is final',
      );
      assert.equal(await heard(got.frames, [reply]), norm(reply));
      const [ctx, ...others] = fake.contexts;
      assert.equal(others.length, 0);
      assert.equal(ctx!.text, reply);
      assert.equal(ctx!.model, 'sonic-3');
      assert.equal(ctx!.voice, 'a0e99841-438c-4a64-b679-ae501e7d6091');
      assert.equal(ctx!.sampleRate, RATE);
      assert.equal(ctx!.language, 'en');
      assert.equal(ctx!.apiKeyVia, 'x-api-key');
      assert.equal(ctx!.version, '2026-03-01');
      assert.equal(ctx!.body!.add_timestamps, true);
      assert.equal(ctx!.cancelled, undefined);
      // Word timestamps became the timed transcript.
      const words = got.events.flatMap((e) => e.timedTranscripts ?? []).map((t) => t.text);
      assert.equal(norm(words.join('')), norm(reply));
    } finally {
      await model.close();
    }
  });

  test('text pushed in LLM-sized pieces comes out as one utterance on one context', async () => {
    const model = make();
    try {
      const stream = model.stream();
      const pieces = tokens(welcome);
      const feeding = (async () => {
        for (const piece of pieces) {
          stream.pushText(piece);
          await sleep(15);
        }
        stream.endInput();
      })();
      const got = await collect(stream);
      await feeding;
      assert.equal(fake.contexts.length, 1, 'one context for the whole reply');
      const [ctx] = fake.contexts;
      assert.equal(ctx!.text, welcome, 'the pieces concatenate to the text, spaces included');
      assert.ok(ctx!.inputs! > 2, `${ctx!.inputs} inputs: the text was streamed, not sent at once`);
      assert.equal(got.events.filter((e) => e.final).length, 1, 'one final frame');
      assert.equal(new Set(got.events.map((e) => e.segmentId)).size, 1, 'one segment');
      assert.equal(await heard(got.frames, [welcome]), norm(welcome));
    } finally {
      await model.close();
    }
  });

  test("text from updateInputStream (AgentSession's path) is spoken the same way", async () => {
    const model = make();
    try {
      const stream = model.stream();
      const pieces = tokens(human);
      stream.updateInputStream(
        new ReadableStream<string>({
          async start(controller) {
            for (const piece of pieces) {
              controller.enqueue(piece);
              await sleep(10);
            }
            controller.close();
          },
        }),
      );
      const got = await collect(stream);
      assert.equal(got.ended, true);
      assert.equal(fake.contexts.length, 1);
      assert.equal(fake.contexts[0]!.text, human);
      assert.equal(await heard(got.frames, [human]), norm(human));
    } finally {
      await model.close();
    }
  });

  test('two segments share one socket, one context each, and play in order', async () => {
    const model = make();
    try {
      const stream = model.stream();
      stream.pushText(reply);
      stream.flush();
      stream.pushText(human);
      stream.endInput();
      const got = await collect(stream);
      const contexts = fake.contexts;
      assert.equal(contexts.length, 2);
      assert.equal(contexts[0]!.connection, contexts[1]!.connection, 'the same websocket');
      assert.notEqual(contexts[0]!.contextId, contexts[1]!.contextId);
      assert.deepEqual(
        contexts.map((c) => c.text),
        [reply, human],
      );
      const segments = [...new Set(got.events.map((e) => e.segmentId))];
      assert.equal(segments.length, 2);
      assert.equal(got.events.filter((e) => e.final).length, 2, 'each segment ends with a final frame');
      assert.equal(await heard(got.frames, [`${reply} ${human}`]), norm(`${reply} ${human}`));
    } finally {
      await model.close();
    }
  });

  test('closing the stream mid-reply cancels the context and stops the audio', async () => {
    const model = make();
    try {
      const stream = model.stream();
      stream.pushText(welcome);
      stream.endInput();
      let sentAtClose = -1;
      const got = await collect(stream, 10_000, (c) => {
        if (c.frames.length === 3) {
          sentAtClose = fake.contexts[0]!.bytes!;
          stream.close();
        }
      });
      assert.ok(sentAtClose > 0, 'audio arrived before the close');
      assert.equal(got.ended, false, 'a closed stream does not finish the reply');
      // Frames already queued at the close may still be read; nothing Cartesia sent after it is.
      const received = got.frames.reduce((n, f) => n + f.samplesPerChannel * 2, 0);
      assert.ok(received <= sentAtClose, `received ${received} bytes, ${sentAtClose} sent before the close`);
      await until(() => fake.contexts[0]?.cancelled === true, 'the fake saw the cancel');
      const ctx = fake.contexts[0]!;
      const total = (await fake.speech(welcome, RATE)).length * 2;
      assert.ok(ctx.bytes! < total, `the fake stopped early (${ctx.bytes} of ${total} bytes)`);
      // The socket survives the cancel and serves the next turn.
      const next = model.stream();
      next.pushText(reply);
      next.endInput();
      const again = await collect(next);
      assert.equal(await heard(again.frames, [reply]), norm(reply));
      assert.equal(fake.connections, 1, 'one websocket for both turns');
      assert.equal(fake.contexts[1]!.connection, ctx.connection);
    } finally {
      await model.close();
    }
  });

  test('prewarm opens the websocket before the first turn', async () => {
    const model = make();
    try {
      model.prewarm();
      await until(() => fake.connections === 1, 'the prewarmed socket is open');
      const stream = model.stream();
      stream.pushText(reply);
      stream.endInput();
      await collect(stream);
      assert.equal(fake.connections, 1);
    } finally {
      await model.close();
    }
  });

  test('first audio waits for the provider latency (websocket and bytes)', async () => {
    fake.setLatency(400);
    const model = make();
    try {
      const started = Date.now();
      const stream = model.stream();
      stream.pushText(reply);
      stream.endInput();
      const got = await collect(stream);
      assert.ok(got.times[0]! - started >= 395, `first websocket audio after ${got.times[0]! - started} ms`);
      const t0 = Date.now();
      const bytes = await collect(model.synthesize(reply));
      assert.ok(bytes.times[0]! - t0 >= 395, `first /tts/bytes audio after ${bytes.times[0]! - t0} ms`);
      // The audio streams in: more than one arrival time.
      assert.ok(new Set(got.times).size > 3 && new Set(bytes.times).size > 3, 'audio arrives incrementally');
    } finally {
      await model.close();
    }
  });

  test('synthesize() speaks the text through POST /tts/bytes', async () => {
    const model = make({ model: 'sonic-2', sampleRate: 16_000, speed: 0.8 });
    try {
      const got = await collect(model.synthesize(welcome));
      assert.ok(got.frames.every((f) => f.sampleRate === 16_000));
      const samples = got.frames.reduce((n, f) => n + f.samplesPerChannel, 0);
      const normal = (await fake.speech(welcome, 16_000)).length;
      assert.ok(samples > normal * 1.08, `slow speech: ${samples} samples, ${normal} at normal speed`);
      assert.equal(got.events.at(-1)!.final, true);
      assert.equal(await heard(got.frames, [welcome]), norm(welcome));
      const [rec] = fake.requests;
      assert.equal(rec!.path, '/tts/bytes');
      assert.equal(rec!.method, 'POST');
      assert.equal(rec!.text, welcome);
      assert.equal(rec!.model, 'sonic-2');
      assert.deepEqual(rec!.body!.output_format, {
        container: 'raw',
        encoding: 'pcm_s16le',
        sample_rate: 16_000,
      });
      // Sonic-2 does not read generation_config; it gets the word speed.
      assert.equal(rec!.body!.speed, 'slow');
      assert.equal(rec!.body!.generation_config, undefined);
    } finally {
      await model.close();
    }
  });

  test('the registry factory builds the TTS from catalog model, params and credentials', async () => {
    const model = cartesiaFactories.TTS!({
      model: findModel('cartesia', 'TTS', 'sonic-turbo')!,
      params: { voice: CUSTOM_VOICE.id, speed: 1.2 },
      language: 'en-GB',
      expectedPhrases: [],
      credentials: { apiKey: fake.apiKey, baseUrl: fake.baseUrl },
    });
    try {
      assert.equal(model.model, 'sonic-turbo');
      const stream = model.stream();
      stream.pushText(reply);
      stream.endInput();
      const got = await collect(stream);
      assert.equal(await heard(got.frames, [reply]), norm(reply));
      const [ctx] = fake.contexts;
      assert.equal(ctx!.voice, CUSTOM_VOICE.id);
      assert.equal(ctx!.language, 'en');
      assert.equal(ctx!.model, 'sonic-turbo');
    } finally {
      await model.close();
    }
  });

  describe('account calls', () => {
    test('verify accepts the right key and rejects a wrong one', async () => {
      await cartesiaAccount.verify({ apiKey: fake.apiKey, baseUrl: fake.baseUrl });
      const [rec] = fake.requests;
      assert.equal(rec!.path, '/voices');
      assert.equal(rec!.query!.limit, '1');
      assert.equal(rec!.version, '2026-03-01');
      await assert.rejects(
        cartesiaAccount.verify({ apiKey: 'sk_car_wrong', baseUrl: fake.baseUrl }),
        (e: unknown) => e instanceof ProviderAccountError && e.kind === 'rejected' && e.status === 401,
      );
    });

    test('verify reports a Cartesia outage as unavailable (retryable)', async () => {
      fake.failNext(503);
      await assert.rejects(
        cartesiaAccount.verify({ apiKey: fake.apiKey, baseUrl: fake.baseUrl }),
        (e: unknown) => e instanceof ProviderAccountError && e.kind === 'unavailable' && e.retryable,
      );
    });

    test('listVoices maps every voice of the account, custom ones included', async () => {
      const voices = await cartesiaAccount.listVoices!({ apiKey: fake.apiKey, baseUrl: fake.baseUrl });
      assert.deepEqual(
        voices.map((v) => v.id),
        FAKE_CARTESIA_VOICES.map((v) => v.id),
      );
      const custom = voices.find((v) => v.id === CUSTOM_VOICE.id)!;
      assert.deepEqual(custom, {
        id: CUSTOM_VOICE.id,
        name: 'Bakery Owner',
        provider: 'cartesia',
        language: 'en',
        gender: 'female',
        description: CUSTOM_VOICE.description,
        modelIds: ['sonic-3', 'sonic-2', 'sonic-turbo'],
        sampleRates: [8000, 16000, 22050, 24000, 44100, 48000],
      });
      const greg = voices.find((v) => v.name === 'Greg')!;
      assert.equal(greg.gender, 'male');
      const sven = voices.find((v) => v.name === 'Sven')!;
      assert.equal(sven.gender, 'neutral');
      assert.equal(sven.language, 'sv');
      assert.deepEqual(sven.modelIds, ['sonic-3'], 'only Sonic-3 speaks Swedish');
      assert.equal(fake.voiceListRequests, 1, 'one page of 100 holds them all');
      assert.equal(fake.requests[0]!.query!.limit, '100');
    });

    test('listVoices follows has_more with starting_after', async () => {
      const paged = await startCartesiaFake({ maxPageSize: 2 });
      try {
        const voices = await cartesiaAccount.listVoices!({ apiKey: paged.apiKey, baseUrl: paged.baseUrl });
        assert.deepEqual(
          voices.map((v) => v.id),
          FAKE_CARTESIA_VOICES.map((v) => v.id),
        );
        assert.equal(paged.voiceListRequests, 4, '7 voices in pages of 2');
        assert.deepEqual(
          paged.requests.map((r) => r.query!.starting_after),
          [undefined, FAKE_CARTESIA_VOICES[1]!.id, FAKE_CARTESIA_VOICES[3]!.id, FAKE_CARTESIA_VOICES[5]!.id],
        );
      } finally {
        await paged.close();
      }
    });

    test('listVoices with a wrong key is rejected', async () => {
      await assert.rejects(
        cartesiaAccount.listVoices!({ apiKey: 'sk_car_wrong', baseUrl: fake.baseUrl }),
        (e: unknown) => e instanceof ProviderAccountError && e.kind === 'rejected',
      );
    });
  });

  describe('faults', () => {
    test('401: a wrong key fails at once, not retryable, one attempt', async () => {
      const model = make({ apiKey: 'sk_car_wrong' });
      const errors = errorsOf(model);
      try {
        const stream = model.stream({ connOptions: FAST });
        stream.pushText(reply);
        stream.endInput();
        const got = await collect(stream);
        assert.equal(got.frames.length, 0);
        assert.equal(errors.length, 1);
        const [error] = errors;
        assert.ok(error instanceof APIStatusError, String(error));
        assert.equal(error.statusCode, 401);
        assert.equal(error.retryable, false);
        assert.match(error.message, /Invalid API key/);
        assert.equal(fake.requests.length, 1, 'one attempt');
        assert.equal(fake.requests[0]!.status, 401);
        // /tts/bytes the same.
        const bytes = await collect(model.synthesize(reply, FAST));
        assert.equal(bytes.frames.length, 0);
        assert.equal(errors.length, 2);
        assert.ok(errors[1] instanceof APIStatusError && errors[1].statusCode === 401, String(errors[1]));
        assert.equal(fake.requests.filter((r) => r.path === '/tts/bytes').length, 1);
      } finally {
        await model.close();
      }
    });

    test('429 once: the framework retries and the reply plays', async () => {
      fake.failNext(429, 1);
      const model = make();
      const errors = errorsOf(model);
      try {
        const stream = model.stream({ connOptions: FAST });
        stream.pushText(reply);
        stream.endInput();
        const got = await collect(stream);
        assert.equal(errors.length, 0, String(errors[0]));
        assert.equal(await heard(got.frames, [reply]), norm(reply));
        assert.deepEqual(
          fake.requests.map((r) => [r.status, r.fault]),
          [
            [429, 'fail'],
            [101, undefined],
          ],
        );
      } finally {
        await model.close();
      }
    });

    test('429 on /tts/bytes: retried, then the audio arrives', async () => {
      fake.failNext(429, 1);
      const model = make();
      try {
        const got = await collect(model.synthesize(reply, FAST));
        assert.equal(await heard(got.frames, [reply]), norm(reply));
        assert.deepEqual(
          fake.requests.map((r) => r.status),
          [429, 200],
        );
      } finally {
        await model.close();
      }
    });

    test('500 on every attempt: retried maxRetry times, then a retryable error', async () => {
      fake.failNext(500, 10);
      const model = make();
      const errors = errorsOf(model);
      try {
        const stream = model.stream({ connOptions: FAST });
        stream.pushText(reply);
        stream.endInput();
        const got = await collect(stream);
        assert.equal(got.frames.length, 0);
        assert.equal(errors.length, 1);
        assert.ok(errors[0] instanceof APIStatusError);
        assert.equal(errors[0].statusCode, 500);
        assert.equal(errors[0].retryable, true);
        assert.equal(fake.requests.length, FAST.maxRetry + 1, 'one attempt plus maxRetry retries');
      } finally {
        await model.close();
      }
    });

    test('a context error before any audio is retried on a new socket with the whole text', async () => {
      const model = make();
      const errors = errorsOf(model);
      try {
        model.prewarm();
        await until(() => fake.connections === 1, 'the prewarmed socket is open');
        // The socket is open, so the failure hits the context (Cartesia's error event).
        fake.failNext(500, 1);
        const stream = model.stream({ connOptions: FAST });
        for (const piece of tokens(welcome)) stream.pushText(piece);
        stream.endInput();
        const got = await collect(stream);
        assert.equal(errors.length, 0, String(errors[0]));
        assert.equal(await heard(got.frames, [welcome]), norm(welcome));
        const [failed, retried] = fake.contexts;
        assert.equal(failed!.status, 500);
        assert.equal(retried!.text, welcome, 'the retry resent the whole text');
        assert.notEqual(retried!.connection, failed!.connection, 'the failed socket was replaced');
      } finally {
        await model.close();
      }
    });

    test('an unknown voice is a 404 error event: not retried', async () => {
      const model = make({ voice: '00000000-0000-4000-8000-000000000000' });
      const errors = errorsOf(model);
      try {
        const stream = model.stream({ connOptions: FAST });
        stream.pushText(reply);
        stream.endInput();
        await collect(stream);
        assert.equal(errors.length, 1);
        assert.ok(errors[0] instanceof APIStatusError);
        assert.equal(errors[0].statusCode, 404);
        assert.equal(errors[0].retryable, false);
        assert.match(errors[0].message, /Voice not found/);
        assert.equal(fake.contexts.length, 1);
      } finally {
        await model.close();
      }
    });

    test('a socket dropped after the first audio ends the stream with an error, never a hang', async () => {
      fake.dropNext();
      const model = make();
      const errors = errorsOf(model);
      try {
        const stream = model.stream({ connOptions: FAST });
        stream.pushText(welcome);
        stream.endInput();
        const got = await collect(stream, 8_000);
        assert.ok(got.frames.length > 0, 'the first audio arrived');
        assert.equal(got.ended, false, 'no END_OF_STREAM: the reply is incomplete');
        assert.equal(errors.length, 1);
        assert.ok(errors[0] instanceof APIConnectionError, String(errors[0]));
        // Audio already played, so a retry would repeat it: the error is final.
        assert.equal(errors[0].retryable, false);
        assert.equal(fake.contexts.length, 1, 'not retried');
        assert.equal(fake.contexts[0]!.fault, 'drop');
      } finally {
        await model.close();
      }
    });

    test('a /tts/bytes body cut after the first audio ends with an error, never a hang', async () => {
      fake.dropNext();
      const model = make();
      const errors = errorsOf(model);
      try {
        const got = await collect(model.synthesize(welcome, FAST), 8_000);
        assert.ok(got.frames.length > 0, 'the first audio arrived');
        assert.equal(errors.length, 1);
        assert.ok(errors[0] instanceof APIConnectionError, String(errors[0]));
        assert.equal(errors[0].retryable, false, 'audio already played: not retried');
        assert.equal(fake.requests.length, 1);
        assert.equal(fake.requests[0]!.fault, 'drop');
      } finally {
        await model.close();
      }
    });

    test('a context that is never answered times out within connOptions.timeoutMs', async () => {
      fake.stallNext();
      const model = make();
      const errors = errorsOf(model);
      try {
        const started = Date.now();
        const stream = model.stream({ connOptions: NO_RETRY });
        stream.pushText(reply);
        stream.endInput();
        const got = await collect(stream, 10_000);
        const took = Date.now() - started;
        assert.equal(got.frames.length, 0);
        assert.equal(errors.length, 1);
        assert.ok(errors[0] instanceof APITimeoutError, String(errors[0]));
        assert.ok(took >= NO_RETRY.timeoutMs - 50 && took < NO_RETRY.timeoutMs + 3_000, `after ${took} ms`);
        assert.equal(fake.contexts[0]!.fault, 'stall');
        await until(() => fake.contexts[0]!.cancelled === true, 'the stuck socket was closed');
      } finally {
        await model.close();
      }
    });

    test('a stalled context times out even while the reply is still streaming in', async () => {
      fake.stallNext();
      // No server-side buffering: Cartesia owes audio as soon as the text is in.
      const model = make({ maxBufferDelayMs: 0 });
      const errors = errorsOf(model);
      try {
        const started = Date.now();
        const stream = model.stream({ connOptions: NO_RETRY });
        stream.pushText('We open at nine ');
        const got = await collect(stream, 10_000);
        const took = Date.now() - started;
        assert.equal(got.frames.length, 0);
        assert.ok(errors[0] instanceof APITimeoutError, String(errors[0]));
        assert.ok(took >= NO_RETRY.timeoutMs - 50 && took < NO_RETRY.timeoutMs + 3_000, `after ${took} ms`);
        assert.equal(fake.contexts[0]!.body!.max_buffer_delay_ms, 0);
        assert.equal(fake.contexts[0]!.body!.continue, true, 'the context was still open');
      } finally {
        await model.close();
      }
    });

    test('a pause in the text after Cartesia has answered it is not a timeout', async () => {
      const model = make();
      const errors = errorsOf(model);
      try {
        const stream = model.stream({ connOptions: NO_RETRY });
        stream.pushText('We open at nine. ');
        const feeding = (async () => {
          // The LLM thinks for longer than the timeout; Cartesia has spoken all it was given.
          await sleep(NO_RETRY.timeoutMs + 500);
          stream.pushText('In the morning.');
          stream.endInput();
        })();
        const got = await collect(stream, 15_000);
        await feeding;
        assert.equal(errors.length, 0, String(errors[0]));
        assert.equal(got.ended, true);
        assert.equal(await heard(got.frames, [reply]), norm(reply));
        assert.equal(fake.contexts.length, 1);
      } finally {
        await model.close();
      }
    });

    test('a stalled context is retried on a new socket and succeeds', async () => {
      fake.stallNext();
      const model = make();
      const errors = errorsOf(model);
      try {
        const stream = model.stream({ connOptions: { maxRetry: 1, retryIntervalMs: 50, timeoutMs: 1_000 } });
        stream.pushText(reply);
        stream.endInput();
        const got = await collect(stream, 10_000);
        assert.equal(errors.length, 0, String(errors[0]));
        assert.equal(await heard(got.frames, [reply]), norm(reply));
        assert.deepEqual(
          fake.contexts.map((c) => c.fault),
          ['stall', undefined],
        );
      } finally {
        await model.close();
      }
    });

    test('a websocket handshake that is never answered times out', async () => {
      fake.stallNext('handshake');
      const model = make();
      const errors = errorsOf(model);
      try {
        const started = Date.now();
        const stream = model.stream({ connOptions: NO_RETRY });
        stream.pushText(reply);
        stream.endInput();
        await collect(stream, 10_000);
        const took = Date.now() - started;
        assert.equal(errors.length, 1);
        assert.ok(errors[0] instanceof APITimeoutError, String(errors[0]));
        assert.ok(took < NO_RETRY.timeoutMs + 3_000, `after ${took} ms`);
        assert.equal(fake.requests[0]!.fault, 'stall');
      } finally {
        await model.close();
      }
    });

    test('a /tts/bytes request that is never answered times out', async () => {
      fake.stallNext();
      const model = make();
      const errors = errorsOf(model);
      try {
        const started = Date.now();
        const got = await collect(model.synthesize(reply, NO_RETRY), 10_000);
        const took = Date.now() - started;
        assert.equal(got.frames.length, 0);
        assert.equal(errors.length, 1);
        assert.ok(took >= NO_RETRY.timeoutMs - 50 && took < NO_RETRY.timeoutMs + 3_000, `after ${took} ms`);
        assert.ok(errors[0] instanceof APITimeoutError);
      } finally {
        await model.close();
      }
    });
  });
});
