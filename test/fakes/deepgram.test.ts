/**
 * The Deepgram fake against the real clients: Parley's Deepgram STT and TTS built through
 * `deepgramFactories` (live transcription over `/v1/listen`, Aura over `/v1/speak`, both on
 * `@livekit/agents` 1.9 base classes) and `deepgramAccount.verify`. Every fault knob of the fake
 * is exercised against the client. ./deepgram-plugin.test.ts shows why Parley does not stream
 * through `@livekit/agents-plugin-deepgram`'s own classes.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  APIError,
  APIStatusError,
  APITimeoutError,
  type APIConnectOptions,
  initializeLogger,
  stt,
} from '@livekit/agents';
import { AudioFrame, dispose } from '@livekit/rtc-node';
import { audioFramesToPcm } from '../../src/audio/frames.ts';
import { findModel } from '../../src/catalog/index.ts';
import { deepgramAccount, deepgramFactories } from '../../src/providers/deepgram/index.ts';
import { FliteSynthesizer } from '../../src/providers/flite/index.ts';
import { ProviderAccountError, type FactoryInput } from '../../src/providers/types.ts';
import { bakery } from '../fixtures/bakery-agent.ts';
import { norm } from '../helpers/text.ts';
import { transcribe } from '../helpers/transcribe.ts';
import { waitUntil } from '../helpers/wait.ts';
import { startDeepgramFake, type DeepgramFake } from './deepgram.ts';
import {
  callerAudio,
  drain,
  errorsOf,
  FAST,
  listen,
  PHRASES,
  push,
  RATE,
  REPLY,
  SAY,
  within,
} from './deepgram-harness.ts';

describe('fake Deepgram API with Parley’s Deepgram clients', { timeout: 180_000 }, () => {
  let fake: DeepgramFake;
  let synth: FliteSynthesizer;
  /** The caller saying SAY: 300 ms of line noise, the words, 1.5 s of line noise. */
  let caller: Int16Array;

  const input = (type: 'STT' | 'TTS', name: string, over: Partial<FactoryInput> = {}): FactoryInput => ({
    model: findModel('deepgram', type, name)!,
    params: {},
    language: 'en-US',
    expectedPhrases: PHRASES,
    credentials: { apiKey: fake.apiKey, baseUrl: fake.baseUrl },
    ...over,
  });
  const buildStt = (over: Partial<FactoryInput> = {}, name = 'nova-3') =>
    deepgramFactories.STT!(input('STT', name, over));
  const buildTts = (over: Partial<FactoryInput> = {}) => deepgramFactories.TTS!(input('TTS', 'aura-2', over));

  before(async () => {
    initializeLogger({ pretty: false, level: 'fatal' });
    synth = new FliteSynthesizer();
    caller = await callerAudio(synth);
    fake = await startDeepgramFake();
    await fake.warm([REPLY, `${bakery.welcome} ${REPLY}`, bakery.welcome, bakery.turns[2]!.reply]);
  });
  after(async () => {
    await fake?.close();
    await synth?.close();
    await dispose();
  });
  beforeEach(() => fake.reset());

  describe('speech-to-text: /v1/listen websocket', () => {
    test('streams interim then final transcripts of the words, with the plugin’s query', async () => {
      const recognizer = buildStt();
      const errors = errorsOf(recognizer);
      const stream = recognizer.stream();
      const heard = listen(stream);
      await push(stream, caller, 4);
      const pushedAt = Date.now();
      stream.endInput();
      await within(heard.done, 10_000, 'the stream to end after CloseStream');

      const interims = heard.of(stt.SpeechEventType.INTERIM_TRANSCRIPT);
      const finals = heard.of(stt.SpeechEventType.FINAL_TRANSCRIPT);
      assert.deepEqual(errors, []);
      assert.ok(interims.length >= 1, 'interim transcripts while the caller speaks');
      assert.equal(finals.length, 1, JSON.stringify(finals.map((f) => f.ev.alternatives?.[0].text)));
      const final = finals[0]!;
      assert.equal(norm(final.ev.alternatives![0].text), norm(SAY));
      assert.ok(interims[0]!.at < final.at, 'interim before final');
      assert.ok(interims[0]!.at < pushedAt, 'the first interim arrives while audio is still being sent');
      for (const i of interims) {
        assert.ok(norm(SAY).startsWith(norm(i.ev.alternatives![0].text).split(' ')[0]!), 'interim words');
      }
      // The final carries word timings inside the utterance.
      const words = final.ev.alternatives![0].words!;
      assert.equal(words.length, norm(SAY).split(' ').length);
      const [start, end] = [words[0]!.startTime!, words.at(-1)!.endTime!];
      assert.ok(
        start >= 0 && start < end && end <= caller.length / RATE,
        `words from ${start} s to ${end} s`,
      );
      const types = heard.events.map((e) => e.ev.type);
      assert.equal(types[0], stt.SpeechEventType.START_OF_SPEECH);
      assert.ok(
        types.indexOf(stt.SpeechEventType.END_OF_SPEECH) >
          types.indexOf(stt.SpeechEventType.FINAL_TRANSCRIPT),
      );
      assert.ok(heard.of(stt.SpeechEventType.RECOGNITION_USAGE).length >= 1, 'usage reported');

      assert.equal(fake.requests.length, 1);
      const rec = fake.requests[0]!;
      assert.equal(rec.kind, 'ws');
      assert.equal(rec.path, '/v1/listen');
      assert.equal(rec.status, 101);
      assert.equal(rec.authorization, `Token ${fake.apiKey}`);
      assert.equal(rec.model, 'nova-3');
      assert.deepEqual(
        {
          language: rec.query.language,
          encoding: rec.query.encoding,
          sample_rate: rec.query.sample_rate,
          channels: rec.query.channels,
          interim_results: rec.query.interim_results,
          vad_events: rec.query.vad_events,
          keyterm: rec.query.keyterm,
        },
        {
          language: ['en-US'],
          encoding: ['linear16'],
          sample_rate: ['16000'],
          channels: ['1'],
          interim_results: ['true'],
          vad_events: ['true'],
          keyterm: PHRASES,
        },
      );
      assert.equal(rec.clientMessages.at(-1), 'CloseStream');
      assert.equal(norm(rec.text!), norm(SAY));
      assert.notEqual(rec.cancelled, true);
      // Silence beyond a second is not sent (the plugin's cost saving).
      assert.ok(rec.audioMs! < (caller.length / RATE) * 1000, `${rec.audioMs} ms of audio sent`);
    });

    test('nova-2 boosts the phrases’ words as keywords; params override language and endpointing', async () => {
      const stream = buildStt({ params: { language: 'en-GB', endpointingMs: 300 } }, 'nova-2').stream();
      const heard = listen(stream);
      await waitUntil(() => fake.requests[0]?.status === 101, 5_000, 'the listen connection');
      stream.endInput();
      await within(heard.done, 5_000, 'the stream to end');
      const q = fake.requests[0]!.query;
      assert.equal(fake.requests[0]!.model, 'nova-2');
      assert.deepEqual(q.language, ['en-GB']);
      assert.deepEqual(q.endpointing, ['300']);
      assert.equal(q.keyterm, undefined);
      assert.ok(q.keywords?.includes('tomorrow:1') && q.keywords.includes('birthday:1'), String(q.keywords));
      assert.ok(
        !q.keywords!.some((k) => k.startsWith('what:') || k.startsWith('you:')),
        'common words are not boosted',
      );
    });

    test('flush() sends Finalize and the utterance is final before the input ends', async () => {
      const stream = buildStt().stream();
      const heard = listen(stream);
      const speechOnly = caller.subarray(0, caller.length - RATE * 1.5);
      await push(stream, speechOnly);
      stream.flush();
      await waitUntil(
        () => heard.of(stt.SpeechEventType.FINAL_TRANSCRIPT).length > 0,
        10_000,
        'the final transcript',
      );
      assert.equal(
        norm(heard.of(stt.SpeechEventType.FINAL_TRANSCRIPT)[0]!.ev.alternatives![0].text),
        norm(SAY),
      );
      assert.ok(fake.requests[0]!.clientMessages.includes('Finalize'));
      stream.endInput();
      await within(heard.done, 5_000, 'the stream to end');
    });

    test('the first transcript waits for setLatency', async () => {
      fake.setLatency(700);
      const stream = buildStt().stream();
      const started = Date.now();
      const heard = listen(stream);
      await push(stream, caller);
      stream.endInput();
      await within(heard.done, 10_000, 'the stream to end');
      const first = heard.events.find(
        (e) =>
          e.ev.type === stt.SpeechEventType.INTERIM_TRANSCRIPT ||
          e.ev.type === stt.SpeechEventType.FINAL_TRANSCRIPT,
      );
      assert.ok(first, 'a transcript');
      assert.ok(first.at - started >= 700, `first transcript after ${first.at - started} ms`);
      const rec = fake.requests[0]!;
      assert.ok(rec.firstOutputAt! - rec.at >= 700);
    });

    test('closing the stream mid-utterance cancels the connection; nothing follows', async () => {
      const stream = buildStt().stream();
      const heard = listen(stream);
      await push(stream, caller.subarray(0, RATE), 4);
      await waitUntil(() => fake.requests[0]?.audioMs, 5_000, 'audio at the fake');
      stream.close();
      await waitUntil(() => fake.requests[0]!.cancelled, 2_000, 'the fake to see the cancellation');
      await within(heard.done, 2_000, 'the stream to end');
      // Cut one second in, the utterance never became final: nothing the fake said later arrived.
      assert.equal(heard.of(stt.SpeechEventType.FINAL_TRANSCRIPT).length, 0);
      assert.ok(!fake.requests[0]!.clientMessages.includes('CloseStream'));
    });

    test('a wrong key: APIStatusError 401, not retried', async () => {
      const recognizer = buildStt({ credentials: { apiKey: 'wrong', baseUrl: fake.baseUrl } });
      const errors = errorsOf(recognizer);
      const stream = recognizer.stream({ connOptions: FAST });
      const heard = listen(stream);
      void push(stream, caller.subarray(0, RATE));
      await within(heard.done, 5_000, 'the stream to end');
      assert.equal(errors.length, 1);
      const err = errors[0] as APIStatusError;
      assert.ok(err instanceof APIStatusError, String(err));
      assert.equal(err.statusCode, 401);
      assert.equal(err.retryable, false);
      assert.match(err.message, /INVALID_AUTH/);
      assert.equal(fake.requests.length, 1);
      assert.equal(fake.requests[0]!.status, 401);
    });

    test('429 once: the retry connects and the words are recognized', async () => {
      fake.failNext(429, 1);
      const recognizer = buildStt();
      const stream = recognizer.stream({ connOptions: FAST });
      const heard = listen(stream);
      await push(stream, caller);
      stream.endInput();
      await within(heard.done, 10_000, 'the stream to end');
      assert.deepEqual(
        fake.requests.map((r) => r.status),
        [429, 101],
      );
      assert.equal(
        norm(heard.of(stt.SpeechEventType.FINAL_TRANSCRIPT)[0]!.ev.alternatives![0].text),
        norm(SAY),
      );
    });

    test('500s: retried maxRetry times, then the error is raised as retryable', async () => {
      fake.failNext(500, 10);
      const recognizer = buildStt();
      const errors = errorsOf(recognizer);
      const stream = recognizer.stream({ connOptions: FAST });
      const heard = listen(stream);
      void push(stream, caller.subarray(0, RATE));
      await within(heard.done, 5_000, 'the stream to end');
      assert.equal(fake.requests.length, FAST.maxRetry + 1);
      assert.equal(errors.length, 1);
      assert.ok(errors[0] instanceof APIStatusError && errors[0].statusCode === 500, String(errors[0]));
      assert.equal((errors[0] as APIError).retryable, true);
    });

    test('a dropped connection: the stream reconnects and goes on with the audio not yet sent', async () => {
      fake.dropNext();
      const recognizer = buildStt();
      const errors = errorsOf(recognizer);
      const stream = recognizer.stream({ connOptions: FAST });
      const heard = listen(stream);
      await push(stream, caller, 4);
      stream.endInput();
      await within(heard.done, 10_000, 'the stream to end (no hang after the drop)');
      assert.deepEqual(errors, []);
      assert.equal(fake.requests.length, 2, 'one reconnection');
      assert.equal(fake.requests[0]!.fault, 'drop');
      assert.ok(fake.requests[1]!.audioMs! > 0, 'the rest of the audio went to the new connection');
      assert.equal(fake.requests[1]!.clientMessages.at(-1), 'CloseStream');
      assert.ok(heard.of(stt.SpeechEventType.INTERIM_TRANSCRIPT).length >= 1);
    });

    test('a stalled handshake: APITimeoutError within timeoutMs, then the retry works', async () => {
      fake.stallNext();
      const recognizer = buildStt();
      const errors = errorsOf(recognizer);
      const stream = recognizer.stream({
        connOptions: { maxRetry: 0, retryIntervalMs: 50, timeoutMs: 1_000 },
      });
      const started = Date.now();
      const heard = listen(stream);
      void push(stream, caller.subarray(0, RATE));
      await within(heard.done, 4_000, 'the stream to fail');
      const took = Date.now() - started;
      assert.equal(errors.length, 1);
      assert.ok(errors[0] instanceof APITimeoutError, String(errors[0]));
      assert.ok(took >= 1_000 && took < 3_000, `failed after ${took} ms`);
      await waitUntil(
        () => fake.requests[0]!.cancelled,
        2_000,
        'the stalled socket to be closed by the client',
      );

      fake.reset();
      fake.stallNext();
      const retrying = buildStt().stream({ connOptions: FAST });
      const second = listen(retrying);
      await push(retrying, caller);
      retrying.endInput();
      await within(second.done, 10_000, 'the retried stream to end');
      assert.deepEqual(
        fake.requests.map((r) => r.fault ?? r.status),
        ['stall', 101],
      );
      assert.equal(
        norm(second.of(stt.SpeechEventType.FINAL_TRANSCRIPT)[0]!.ev.alternatives![0].text),
        norm(SAY),
      );
    });

    test('Deepgram closing an idle connection (1011 NET-0001) is a retryable failure', async () => {
      const strict = await startDeepgramFake({ idleTimeoutMs: 300 });
      try {
        const recognizer = deepgramFactories.STT!({
          ...input('STT', 'nova-3'),
          credentials: { apiKey: strict.apiKey, baseUrl: strict.baseUrl },
        });
        const errors = errorsOf(recognizer);
        // No audio at all: every connection idles out long before the 5 s keep-alive.
        const stream = recognizer.stream({ connOptions: FAST });
        await within(listen(stream).done, 10_000, 'the retries to run out');
        assert.equal(
          strict.requests.length,
          FAST.maxRetry + 1,
          'each idle close was followed by a reconnect',
        );
        assert.equal(errors.length, 1);
        assert.ok(errors[0] instanceof APIError && errors[0].retryable, String(errors[0]));
        assert.match(errors[0].message, /1011.*NET-0001/);
        stream.close();
      } finally {
        await strict.close();
      }
    });

    test('recognize() (pre-recorded POST /v1/listen, the plugin’s path) hears the words', async () => {
      const recognizer = buildStt();
      const ev = await recognizer.recognize(new AudioFrame(caller.slice(), RATE, 1, caller.length));
      assert.equal(ev.type, stt.SpeechEventType.FINAL_TRANSCRIPT);
      assert.equal(norm(ev.alternatives![0].text), norm(SAY));
      assert.equal(fake.requests[0]!.method, 'POST');
      assert.equal(fake.requests[0]!.path, '/v1/listen');
    });

    test('a configured transcript replaces what pocketsphinx hears', async () => {
      const custom = await startDeepgramFake({ transcript: ({ n }) => `order number ${n}` });
      try {
        const recognizer = deepgramFactories.STT!({
          ...input('STT', 'nova-3'),
          credentials: { apiKey: custom.apiKey, baseUrl: custom.baseUrl },
        });
        const stream = recognizer.stream();
        const heard = listen(stream);
        await push(stream, caller);
        stream.endInput();
        await within(heard.done, 15_000, 'the stream to end');
        assert.equal(
          heard.of(stt.SpeechEventType.FINAL_TRANSCRIPT)[0]?.ev.alternatives![0].text,
          'Order number 1.',
        );
      } finally {
        await custom.close();
      }
    });
  });

  describe('text-to-speech: Aura over /v1/speak', () => {
    const connOptions = FAST;

    test('stream(): websocket Speak/Flush/Close; 24 kHz audio that says the text', async () => {
      const speaker = buildTts();
      assert.equal(speaker.sampleRate, 24_000);
      const stream = speaker.stream({ connOptions });
      const text = `${bakery.welcome} ${REPLY}`;
      for (const word of text.split(' ')) stream.pushText(`${word} `);
      stream.endInput();
      const { frames, endOfStream } = await within(drain(stream), 10_000, 'the speech');
      assert.ok(endOfStream, 'END_OF_STREAM');
      assert.ok(frames.every((f) => f.frame.sampleRate === 24_000 && f.frame.channels === 1));
      assert.equal(frames.filter((f) => f.final).length, 1);
      assert.ok(frames.at(-1)!.final, 'the last frame ends the segment');
      const pcm = audioFramesToPcm(frames.map((f) => f.frame));
      assert.equal(norm(await transcribe(pcm, 24_000, [text])), norm(text));
      const rec = fake.requests[0]!;
      assert.equal(rec.kind, 'ws');
      assert.equal(rec.path, '/v1/speak');
      assert.equal(rec.model, 'aura-2-thalia-en');
      assert.deepEqual(rec.query.encoding, ['linear16']);
      assert.deepEqual(rec.query.sample_rate, ['24000']);
      assert.equal(rec.authorization, `Token ${fake.apiKey}`);
      assert.equal(norm(rec.text!), norm(text));
      assert.deepEqual(rec.clientMessages, ['Speak', 'Speak', 'Flush', 'Close'], 'one Speak per sentence');
      await waitUntil(() => rec.doneAt, 2_000, 'the connection to close');
      assert.notEqual(rec.cancelled, true);
    });

    test('stream(): every flush is a segment of its own, each with a final frame', async () => {
      const stream = buildTts({ params: { voice: 'aura-2-apollo-en' } }).stream({ connOptions });
      stream.pushText(bakery.welcome);
      stream.flush();
      stream.pushText(bakery.turns[2]!.reply);
      stream.endInput();
      const { frames } = await within(drain(stream), 10_000, 'the speech');
      const segments = [...new Set(frames.map((f) => f.segmentId))];
      assert.equal(segments.length, 2);
      assert.equal(frames.filter((f) => f.final).length, 2);
      const rec = fake.requests[0]!;
      assert.equal(rec.model, 'aura-2-apollo-en');
      assert.equal(rec.clientMessages.filter((m) => m === 'Flush').length, 2);
    });

    test('synthesize(): POST /v1/speak with container=none; audio that says the text', async () => {
      const speaker = buildTts();
      const { frames } = await within(drain(speaker.synthesize(REPLY, connOptions)), 10_000, 'the speech');
      assert.ok(frames.at(-1)!.final);
      const pcm = audioFramesToPcm(frames.map((f) => f.frame));
      assert.equal(norm(await transcribe(pcm, 24_000, [REPLY])), norm(REPLY));
      const rec = fake.requests[0]!;
      assert.equal(rec.kind, 'http');
      assert.equal(rec.method, 'POST');
      assert.equal(rec.path, '/v1/speak');
      assert.deepEqual(rec.query.container, ['none']);
      assert.equal(rec.text, REPLY);
      assert.ok(Math.abs(pcm.length / 24 - rec.audioMs!) < 100, 'every byte sent became audio');
    });

    test('the first audio waits for setLatency and the rest streams incrementally', async () => {
      fake.setLatency(500);
      const speaker = buildTts();
      const started = Date.now();
      const stream = speaker.stream({ connOptions });
      stream.pushText(REPLY);
      stream.endInput();
      const streamed = await within(drain(stream), 10_000, 'the streamed speech');
      assert.ok(streamed.firstAt! - started >= 500, `first frame after ${streamed.firstAt! - started} ms`);
      // About 20 chunks, 10 ms apart at the fake: frames arrive over time, not at the end.
      assert.ok(streamed.lastAt! - streamed.firstAt! >= 100, 'frames spread over the stream');
      const rest = Date.now();
      const chunked = await within(drain(speaker.synthesize(REPLY, connOptions)), 10_000, 'the REST speech');
      assert.ok(chunked.firstAt! - rest >= 500, `first REST frame after ${chunked.firstAt! - rest} ms`);
      for (const rec of fake.requests) assert.ok(rec.firstOutputAt! - rec.at >= 500);
    });

    test('a wrong key: APIStatusError 401, one request, for both paths', async () => {
      const speaker = buildTts({ credentials: { apiKey: 'wrong', baseUrl: fake.baseUrl } });
      const errors = errorsOf(speaker);
      const stream = speaker.stream({ connOptions });
      stream.pushText(REPLY);
      stream.endInput();
      assert.equal((await within(drain(stream), 5_000, 'the stream to end')).frames.length, 0);
      await within(drain(speaker.synthesize(REPLY, connOptions)), 5_000, 'the request to end');
      assert.equal(errors.length, 2);
      for (const err of errors) {
        assert.ok(err instanceof APIStatusError, String(err));
        assert.equal(err.statusCode, 401);
        assert.equal(err.retryable, false);
      }
      assert.deepEqual(
        fake.requests.map((r) => `${r.kind} ${r.status}`),
        ['ws 401', 'http 401'],
      );
    });

    test('429 once: the retry succeeds, for both paths', async () => {
      const speaker = buildTts();
      const errors = errorsOf(speaker);
      fake.failNext(429, 1);
      const stream = speaker.stream({ connOptions });
      stream.pushText(REPLY);
      stream.endInput();
      assert.ok((await within(drain(stream), 10_000, 'the streamed speech')).frames.length > 0);
      fake.failNext(429, 1);
      assert.ok(
        (await within(drain(speaker.synthesize(REPLY, connOptions)), 10_000, 'the REST speech')).frames
          .length > 0,
      );
      assert.deepEqual(errors, []);
      assert.deepEqual(
        fake.requests.map((r) => `${r.kind} ${r.status}`),
        ['ws 429', 'ws 101', 'http 429', 'http 200'],
      );
    });

    test('500s: retried maxRetry times, then raised as retryable', async () => {
      const speaker = buildTts();
      const errors = errorsOf(speaker);
      fake.failNext(500, 10);
      const stream = speaker.stream({ connOptions });
      stream.pushText(REPLY);
      stream.endInput();
      await within(drain(stream), 5_000, 'the stream to end');
      await within(drain(speaker.synthesize(REPLY, connOptions)), 5_000, 'the request to end');
      assert.equal(fake.requests.length, 2 * (FAST.maxRetry + 1));
      assert.equal(errors.length, 2);
      for (const err of errors) {
        assert.ok(err instanceof APIStatusError && err.statusCode === 500, String(err));
        assert.equal(err.retryable, true);
      }
    });

    test('a drop after the first audio ends the stream with an error, not a hang', async () => {
      const speaker = buildTts();
      const errors = errorsOf(speaker);
      fake.dropNext();
      const stream = speaker.stream({ connOptions });
      stream.pushText(REPLY);
      stream.endInput();
      const streamed = await within(drain(stream), 5_000, 'the stream to end');
      fake.dropNext();
      const chunked = await within(
        drain(speaker.synthesize(REPLY, connOptions)),
        5_000,
        'the request to end',
      );
      assert.ok(streamed.frames.length > 0 && chunked.frames.length > 0, 'the audio before the drop played');
      assert.equal(errors.length, 2);
      // Text (or audio) already went out: a retry would repeat it, so the error is final.
      for (const err of errors) assert.ok(err instanceof APIError && !err.retryable, String(err));
      assert.deepEqual(
        fake.requests.map((r) => r.fault),
        ['drop', 'drop'],
      );
    });

    test('a stall: APITimeoutError within timeoutMs (maxRetry 0); with retries the next attempt speaks', async () => {
      const speaker = buildTts();
      const errors = errorsOf(speaker);
      const once: APIConnectOptions = { maxRetry: 0, retryIntervalMs: 50, timeoutMs: 1_000 };
      for (const kind of ['ws', 'http'] as const) {
        fake.stallNext();
        const started = Date.now();
        const out =
          kind === 'ws'
            ? (() => {
                const s = speaker.stream({ connOptions: once });
                s.pushText(REPLY);
                s.endInput();
                return s;
              })()
            : speaker.synthesize(REPLY, once);
        await within(drain(out), 4_000, `the ${kind} attempt to time out`);
        const took = Date.now() - started;
        assert.ok(took >= 1_000 && took < 3_000, `${kind}: failed after ${took} ms`);
      }
      assert.equal(errors.length, 2);
      for (const err of errors) assert.ok(err instanceof APITimeoutError && err.retryable, String(err));
      await waitUntil(
        () => fake.requests.every((r) => r.cancelled),
        2_000,
        'the stalled sockets to be closed',
      );

      fake.reset();
      fake.stallNext();
      const retried = await within(
        drain(speaker.synthesize(REPLY, connOptions)),
        6_000,
        'the retried speech',
      );
      assert.ok(retried.frames.length > 0);
      assert.deepEqual(
        fake.requests.map((r) => r.fault ?? r.status),
        ['stall', 200],
      );
    });

    test('closing mid-speech cancels on the fake and stops the audio', async () => {
      const slow = await startDeepgramFake({ ttsChunkIntervalMs: 100 });
      try {
        await slow.warm([REPLY], { recognizer: false });
        const speaker = deepgramFactories.TTS!({
          ...input('TTS', 'aura-2'),
          credentials: { apiKey: slow.apiKey, baseUrl: slow.baseUrl },
        });
        const stream = speaker.stream({ connOptions });
        stream.pushText(REPLY);
        stream.endInput();
        let streamed = 0;
        for await (const _ of stream) if (++streamed === 3) stream.close();
        const request = speaker.synthesize(REPLY, connOptions);
        let requested = 0;
        for await (const _ of request) if (++requested === 3) request.close();

        await waitUntil(
          () => slow.requests.every((r) => r.cancelled),
          2_000,
          'the fake to see both cancelled',
        );
        assert.deepEqual(
          slow.requests.map((r) => r.kind),
          ['ws', 'http'],
        );
        // Chunks come 100 ms apart: at most one was already queued when each was closed, and the
        // fake stopped sending long before the 2 s of speech were out.
        assert.ok(streamed <= 4 && requested <= 4, `${streamed} and ${requested} frames`);
        for (const rec of slow.requests) assert.ok(rec.audioMs! < 1_000, `${rec.audioMs} ms sent`);
      } finally {
        await slow.close();
      }
    });
  });

  describe('account: GET /v1/projects', () => {
    test('accepts the right key and rejects a wrong one', async () => {
      await deepgramAccount.verify({ apiKey: fake.apiKey, baseUrl: fake.baseUrl });
      assert.equal(fake.requests[0]!.path, '/v1/projects');
      assert.equal(fake.requests[0]!.authorization, `Token ${fake.apiKey}`);
      const err = await deepgramAccount.verify({ apiKey: 'wrong', baseUrl: fake.baseUrl }).then(
        () => assert.fail('a wrong key was accepted'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof ProviderAccountError, String(err));
      assert.equal(err.kind, 'rejected');
      assert.equal(err.status, 401);
      assert.equal(err.retryable, false);
      assert.match(err.message, /INVALID_AUTH/);
    });

    test('rate limits and outages are retryable; a server that is not Deepgram is a protocol error', async () => {
      fake.failNext(429, 1);
      const limited = await deepgramAccount
        .verify({ apiKey: fake.apiKey, baseUrl: fake.baseUrl })
        .catch((e: unknown) => e);
      assert.ok(
        limited instanceof ProviderAccountError && limited.kind === 'rate_limited' && limited.retryable,
      );
      fake.failNext(503, 1);
      const down = await deepgramAccount
        .verify({ apiKey: fake.apiKey, baseUrl: fake.baseUrl })
        .catch((e: unknown) => e);
      assert.ok(down instanceof ProviderAccountError && down.kind === 'unavailable');
      const wrongPath = await deepgramAccount
        .verify({ apiKey: fake.apiKey, baseUrl: `${fake.baseUrl}/elsewhere` })
        .catch((e: unknown) => e);
      assert.ok(
        wrongPath instanceof ProviderAccountError && wrongPath.kind === 'protocol',
        String(wrongPath),
      );
    });
  });
});
