/**
 * The fake ElevenLabs API against the real client code: `@livekit/agents-plugin-elevenlabs` 1.9
 * built through `elevenlabsFactories` (with the credentials an organization stores, the fake's
 * origin as `baseUrl`), and `elevenlabsAccount`. Protocol mismatches, and what the client does
 * under each fault knob, show up here rather than in a call.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  APIConnectionError,
  APIStatusError,
  APITimeoutError,
  initializeLogger,
  type APIConnectOptions,
} from '@livekit/agents';
import * as elevenlabs from '@livekit/agents-plugin-elevenlabs';
import type { AudioFrame } from '@livekit/rtc-node';
import { WebSocket } from 'ws';
import { findModel } from '../../src/catalog/index.ts';
import {
  elevenlabsAccount,
  elevenlabsFactories,
  type ElevenLabsTTS,
} from '../../src/providers/elevenlabs/index.ts';
import { ProviderAccountError } from '../../src/providers/types.ts';
import { bakery } from '../fixtures/bakery-agent.ts';
import { norm } from '../helpers/text.ts';
import { transcribe } from '../helpers/transcribe.ts';
import { waitUntil } from '../helpers/wait.ts';
import {
  CLONED_VOICE_ID,
  startElevenLabsFake,
  type ElevenLabsFake,
  type ElevenLabsRequestRecord,
} from './elevenlabs.ts';

const OPEN = bakery.turns[0]!.reply; // 'We open at nine in the morning.'
const CAKE = bakery.turns[1]!.reply;
const HUMAN = bakery.turns[2]!.reply;
/** Two sentences: the plugin sends (and flushes) each on its own. */
const REPLY = `${OPEN} ${HUMAN}`;
const SCOPED_KEY = 'xi-scoped-key';
const LATENCY_MS = 250;
const RACHEL = '21m00Tcm4TlvDq8ikWAM';

interface Spoken {
  frames: AudioFrame[];
  startedAt: number;
  firstAt?: number;
  lastAt?: number;
  endedAt: number;
  errors: Error[];
  /** Words of the timed transcripts the plugin attached to the frames. */
  timedWords: string[];
}

/** Streams `text` through `tts` (all at once, then end of input), bounded by `deadlineMs`. */
async function speak(
  tts: elevenlabs.TTS,
  text: string,
  opts: { connOptions?: APIConnectOptions; closeAfterFrames?: number; deadlineMs?: number } = {},
): Promise<Spoken> {
  const errors: Error[] = [];
  const onError = (ev: { error: Error }) => errors.push(ev.error);
  tts.on('error', onError);
  const stream = tts.stream(opts.connOptions ? { connOptions: opts.connOptions } : undefined);
  const out: Spoken = { frames: [], startedAt: Date.now(), endedAt: 0, errors, timedWords: [] };
  stream.pushText(text);
  stream.endInput();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>(
    (r) => (timer = setTimeout(() => r('deadline'), opts.deadlineMs ?? 15_000)),
  );
  const consume = (async () => {
    for await (const ev of stream) {
      if (typeof ev === 'symbol') continue;
      out.firstAt ??= Date.now();
      out.lastAt = Date.now();
      out.frames.push(ev.frame);
      for (const t of ev.timedTranscripts ?? []) out.timedWords.push(String(t.text ?? t));
      if (opts.closeAfterFrames !== undefined && out.frames.length >= opts.closeAfterFrames) {
        stream.close();
        break;
      }
    }
    return 'done' as const;
  })();
  try {
    const outcome = await Promise.race([consume, deadline]);
    if (outcome === 'deadline') {
      stream.close();
      throw new Error(`the stream neither ended nor failed within ${opts.deadlineMs ?? 15_000} ms`);
    }
  } finally {
    clearTimeout(timer);
    tts.off('error', onError);
  }
  out.endedAt = Date.now();
  return out;
}

function pcmOf(frames: AudioFrame[]): Int16Array {
  const pcm = new Int16Array(frames.reduce((n, f) => n + f.samplesPerChannel, 0));
  let o = 0;
  for (const f of frames) {
    pcm.set(f.data, o);
    o += f.samplesPerChannel;
  }
  return pcm;
}

const seconds = (frames: AudioFrame[]) => frames.reduce((s, f) => s + f.samplesPerChannel / f.sampleRate, 0);
const fast = (over: Partial<APIConnectOptions> = {}): APIConnectOptions => ({
  maxRetry: 3,
  retryIntervalMs: 50,
  timeoutMs: 5_000,
  ...over,
});

describe('fake ElevenLabs with the plugin through elevenlabsFactories', { timeout: 180_000 }, () => {
  let fake: ElevenLabsFake;
  const built: elevenlabs.TTS[] = [];

  /** The TTS the registry would build for an organization storing the fake's origin and key. */
  function build(
    over: { key?: string; model?: string; params?: Record<string, unknown>; language?: string } = {},
  ): ElevenLabsTTS {
    const tts = elevenlabsFactories.TTS!({
      model: findModel('elevenlabs', 'TTS', over.model ?? 'eleven_flash_v2_5')!,
      params: over.params ?? {},
      language: over.language ?? 'en-US',
      expectedPhrases: [],
      credentials: { apiKey: over.key ?? fake.apiKey, baseUrl: fake.baseUrl },
    }) as ElevenLabsTTS;
    built.push(tts);
    return tts;
  }

  const ws = () => fake.requests.filter((r) => r.kind === 'ws');

  before(async () => {
    initializeLogger({ pretty: false, level: 'fatal' });
    fake = await startElevenLabsFake({ scopedApiKey: SCOPED_KEY });
    await fake.warm([OPEN, CAKE, HUMAN, bakery.fallback]);
    await fake.warm([bakery.fallback, OPEN], 16_000);
  });
  after(async () => {
    await Promise.all(built.map((t) => t.close()));
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  test('streams a bakery reply: audio after the latency, incrementally, carrying the words', async () => {
    fake.setLatency(LATENCY_MS);
    const tts = build();
    const r = await speak(tts, REPLY);
    assert.deepEqual(r.errors, []);
    assert.ok(r.frames.length > 10, `${r.frames.length} frames`);
    assert.ok(r.frames.every((f) => f.sampleRate === 22_050 && f.channels === 1));
    assert.ok(r.firstAt! - r.startedAt >= LATENCY_MS - 5, `first audio after ${r.firstAt! - r.startedAt} ms`);
    // Paced by the fake: the first audio plays while the rest is still on its way.
    assert.ok(r.lastAt! - r.firstAt! >= 300, `audio spread over ${r.lastAt! - r.firstAt!} ms`);
    assert.equal(norm(await transcribe(pcmOf(r.frames), 22_050, [REPLY])), norm(REPLY));
    assert.equal(norm(r.timedWords.join(' ')), norm(REPLY), 'the alignment became word timings');

    const [rec] = ws();
    assert.equal(ws().length, 1);
    assert.equal(rec!.path, `/v1/text-to-speech/${RACHEL}/multi-stream-input`);
    assert.equal(rec!.apiKey, fake.apiKey);
    assert.deepEqual(
      {
        model_id: rec!.query.model_id,
        output_format: rec!.query.output_format,
        language_code: rec!.query.language_code,
        sync_alignment: rec!.query.sync_alignment,
        auto_mode: rec!.query.auto_mode,
      },
      {
        model_id: 'eleven_flash_v2_5',
        output_format: 'pcm_22050',
        language_code: 'en',
        sync_alignment: 'true',
        auto_mode: 'true',
      },
    );
    assert.ok(rec!.firstOutputAt! - rec!.at >= LATENCY_MS, 'the fake served the latency');
    const [ctx] = rec!.contexts!;
    assert.equal(ctx!.text, REPLY);
    assert.equal(ctx!.closedBy, 'close_context');
    assert.equal(ctx!.final, true);
    assert.equal(ctx!.cancelled, false);
    assert.ok(ctx!.flushes >= 2, 'each sentence is flushed (auto mode)');
  });

  test('a second reply reuses the socket as a new context', async () => {
    const tts = build();
    await speak(tts, OPEN);
    await speak(tts, CAKE);
    assert.equal(ws().length, 1, 'one websocket');
    assert.deepEqual(
      ws()[0]!.contexts!.map((c) => [c.text, c.final]),
      [
        [OPEN, true],
        [CAKE, true],
      ],
    );
  });

  test('voice, model, language, voice settings and sample rate reach ElevenLabs', async () => {
    const tts = build({
      model: 'eleven_turbo_v2_5',
      language: 'es-ES',
      params: { voice: CLONED_VOICE_ID, speed: 1.1, stability: 0.3, sampleRate: 16_000 },
    });
    const r = await speak(tts, bakery.fallback);
    assert.ok(r.frames.length > 0 && r.frames.every((f) => f.sampleRate === 16_000));
    const rec = ws()[0]!;
    assert.equal(rec.voiceId, CLONED_VOICE_ID);
    assert.equal(rec.query.model_id, 'eleven_turbo_v2_5');
    assert.equal(rec.query.output_format, 'pcm_16000');
    assert.equal(rec.query.language_code, 'es');
    assert.deepEqual(rec.contexts![0]!.voiceSettings, { stability: 0.3, similarity_boost: 0.75, speed: 1.1 });

    fake.reset();
    await speak(build({ model: 'eleven_multilingual_v2', language: 'fr-FR' }), bakery.fallback);
    const multi = ws()[0]!;
    assert.equal(multi.query.model_id, 'eleven_multilingual_v2');
    assert.equal(multi.query.language_code, undefined, 'Multilingual v2 takes no language_code');
    assert.deepEqual(multi.contexts![0]!.voiceSettings, {}, 'no settings: the voice’s own apply');
  });

  test('synthesize() streams POST /v1/text-to-speech/{voice}/stream', async () => {
    const text = HUMAN;
    const tts = build();
    const frames: AudioFrame[] = [];
    for await (const ev of tts.synthesize(text)) frames.push(ev.frame);
    const [rec] = fake.requests;
    assert.equal(fake.requests.length, 1);
    assert.equal(rec!.method, 'POST');
    assert.equal(rec!.path, `/v1/text-to-speech/${RACHEL}/stream`);
    assert.equal(rec!.query.output_format, 'pcm_22050');
    assert.equal(rec!.apiKey, fake.apiKey);
    assert.equal(rec!.body!.text, text);
    assert.equal(rec!.body!.model_id, 'eleven_flash_v2_5');
    assert.equal(rec!.body!.language_code, 'en');
    assert.equal(norm(await transcribe(pcmOf(frames), 22_050, [text])), norm(text));
  });

  test('closing a stream mid-reply closes the socket: ElevenLabs stops, the fake records it', async () => {
    const tts = build();
    const r = await speak(tts, REPLY, { closeAfterFrames: 1 });
    assert.equal(r.frames.length, 1);
    const rec = ws()[0]!;
    await waitUntil(() => rec.cancelled, 2_000, 'the fake to see the reply cancelled');
    assert.ok(rec.doneAt !== undefined, 'the socket is closed');
    const ctx = rec.contexts![0]!;
    assert.equal(ctx.final, false);
    assert.equal(ctx.cancelled, true);
    const sentAtCancel = ctx.audioBytes;
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(ctx.audioBytes, sentAtCancel, 'no audio after the cancellation');
    assert.ok(sentAtCancel < 22_050 * 2 * 4, `${sentAtCancel} bytes sent of a ~5 s reply`);
    // The next reply opens a new socket and is whole.
    const next = await speak(tts, OPEN);
    assert.ok(seconds(next.frames) > 1);
    assert.equal(ws().length, 2);
  });

  test('the plugin alone lets ElevenLabs finish a cancelled reply (why the guard closes the socket)', async () => {
    const raw = new elevenlabs.TTS({ apiKey: fake.apiKey, baseURL: `${fake.baseUrl}/v1`, voiceId: RACHEL });
    built.push(raw);
    await speak(raw, REPLY, { closeAfterFrames: 1 });
    const rec = ws()[0]!;
    const ctx = rec.contexts![0]!;
    // close_context went out with the end of input, and ElevenLabs keeps flushing what it was sent.
    await waitUntil(() => ctx.final, 5_000, 'the cancelled context to be generated to its end');
    assert.equal(ctx.closedBy, 'close_context');
    assert.equal(ctx.cancelled, false);
    assert.equal(rec.cancelled, undefined);
    assert.equal(rec.doneAt, undefined, 'the socket stays open');
  });

  describe('account', () => {
    const creds = () => ({ apiKey: fake.apiKey, baseUrl: fake.baseUrl });

    test('verify accepts the key (and one without user_read), rejects a wrong one', async () => {
      await elevenlabsAccount.verify(creds());
      const [rec] = fake.requests;
      assert.equal(rec!.path, '/v1/user');
      assert.equal(rec!.apiKey, fake.apiKey);
      await elevenlabsAccount.verify({ ...creds(), apiKey: SCOPED_KEY });
      await assert.rejects(elevenlabsAccount.verify({ ...creds(), apiKey: 'xi-wrong' }), (e: unknown) => {
        assert.ok(e instanceof ProviderAccountError);
        assert.equal(e.kind, 'rejected');
        assert.equal(e.status, 401);
        assert.match(e.message, /invalid_api_key/);
        assert.equal(e.retryable, false);
        return true;
      });
    });

    test('verify reports rate limits and outages as retryable', async () => {
      fake.failNext(429);
      await assert.rejects(elevenlabsAccount.verify(creds()), { kind: 'rate_limited', status: 429 });
      fake.failNext(503);
      await assert.rejects(elevenlabsAccount.verify(creds()), { kind: 'unavailable', status: 503 });
      await elevenlabsAccount.verify(creds());
    });

    test('listVoices maps the library, the cloned voice included, and counts the requests', async () => {
      const voices = await elevenlabsAccount.listVoices!(creds());
      assert.equal(fake.voiceListRequests, 1);
      const rec = fake.requests[0]!;
      assert.equal(rec.path, '/v2/voices');
      assert.equal(rec.query.page_size, '100');
      assert.equal(voices.length, 6);
      assert.deepEqual(
        voices.find((v) => v.id === CLONED_VOICE_ID),
        {
          id: CLONED_VOICE_ID,
          name: 'Marta (bakery owner)',
          provider: 'elevenlabs',
          language: 'es-ES',
          languages: findModel('elevenlabs', 'TTS', 'eleven_multilingual_v2')!.languages,
          gender: 'female',
          accent: 'castilian',
          description: 'Instant clone of the owner, for the shop line.',
          modelIds: ['eleven_multilingual_v2'],
          sampleRates: [16000, 22050, 24000, 44100],
        },
      );
      const sarah = voices.find((v) => v.name === 'Sarah')!;
      assert.equal(sarah.language, 'en-US');
      assert.match(sarah.previewUrl!, /^https:\/\//);
      assert.equal(voices.find((v) => v.name === 'Robot greeter')!.gender, 'neutral');
    });

    test('listVoices follows next_page_token while has_more', async () => {
      const paged = await startElevenLabsFake({ maxPageSize: 2 });
      try {
        const voices = await elevenlabsAccount.listVoices!({
          apiKey: paged.apiKey,
          baseUrl: `${paged.baseUrl}/`,
        });
        assert.equal(voices.length, 6);
        assert.equal(paged.voiceListRequests, 3);
        assert.deepEqual(
          paged.requests.map((r) => r.query.next_page_token),
          [undefined, '2', '4'],
        );
      } finally {
        await paged.close();
      }
    });

    test('listVoices: a key without voices_read is rejected, an outage is unavailable', async () => {
      await assert.rejects(
        elevenlabsAccount.listVoices!({ ...creds(), apiKey: SCOPED_KEY }),
        (e: unknown) => {
          assert.ok(e instanceof ProviderAccountError && e.kind === 'rejected');
          assert.match(e.message, /voices_read/);
          return true;
        },
      );
      fake.failNext(500);
      await assert.rejects(elevenlabsAccount.listVoices!(creds()), { kind: 'unavailable', status: 500 });
    });
  });

  describe('faults', () => {
    test('a wrong key: APIStatusError 401, not retryable, one attempt', async () => {
      const r = await speak(build({ key: 'xi-wrong' }), OPEN, { connOptions: fast() });
      assert.equal(r.frames.length, 0);
      assert.equal(r.errors.length, 1);
      const [e] = r.errors;
      assert.ok(e instanceof APIStatusError, String(e));
      assert.equal(e.statusCode, 401);
      assert.equal(e.retryable, false);
      assert.deepEqual(
        fake.requests.map((q) => q.status),
        [401],
      );
    });

    test('failNext(429): the refused upgrade is retried and the reply arrives whole', async () => {
      fake.failNext(429, 1);
      const r = await speak(build(), OPEN, { connOptions: fast() });
      assert.deepEqual(r.errors, []);
      assert.ok(seconds(r.frames) > 1, `${seconds(r.frames)} s`);
      assert.deepEqual(
        ws().map((q) => q.status),
        [429, 101],
      );
      assert.equal(ws()[1]!.contexts![0]!.text, OPEN);
    });

    test('failNext(500, 10): each attempt is refused; the error is retryable after the retries', async () => {
      fake.failNext(500, 10);
      const r = await speak(build(), OPEN, { connOptions: fast({ maxRetry: 2 }) });
      assert.equal(r.frames.length, 0);
      assert.deepEqual(
        ws().map((q) => q.status),
        [500, 500, 500],
      );
      assert.equal(r.errors.length, 1);
      // run() reports every failed connect as this (tts.js:697-698): the 500 itself is not kept.
      assert.ok(r.errors[0] instanceof APIConnectionError, String(r.errors[0]));
      assert.equal((r.errors[0] as APIConnectionError).retryable, true);
    });

    test('dropNext(): the cut is reported at once, not retried into a reply with missing words', async () => {
      fake.dropNext();
      const r = await speak(build(), REPLY, { connOptions: fast() });
      assert.equal(r.errors.length, 1);
      const [e] = r.errors;
      assert.ok(e instanceof APIStatusError, String(e));
      assert.equal(e.statusCode, 1006);
      assert.equal(e.retryable, false);
      assert.equal(ws().length, 1, 'no second attempt');
      assert.equal(ws()[0]!.fault, 'drop');
      assert.ok(r.endedAt - r.startedAt < 3_000, `${r.endedAt - r.startedAt} ms`);
    });

    test('stallNext(): an unanswered upgrade fails within connOptions.timeoutMs, or the retry succeeds', async () => {
      fake.stallNext();
      const once = await speak(build(), OPEN, { connOptions: fast({ maxRetry: 0, timeoutMs: 1_000 }) });
      const took = once.endedAt - once.startedAt;
      assert.ok(took >= 950 && took < 3_000, `ended after ${took} ms`);
      assert.equal(once.errors.length, 1);
      assert.ok(once.errors[0] instanceof APIConnectionError, String(once.errors[0]));
      assert.equal(ws()[0]!.fault, 'stall');

      fake.reset();
      fake.stallNext();
      const retried = await speak(build(), OPEN, { connOptions: fast({ maxRetry: 1, timeoutMs: 1_000 }) });
      assert.deepEqual(retried.errors, []);
      assert.ok(seconds(retried.frames) > 1);
      assert.deepEqual(
        ws().map((q) => q.fault),
        ['stall', undefined],
      );
    });

    test('silenceNext(): a socket that never sends audio fails the stream with APITimeoutError', async () => {
      fake.silenceNext();
      const r = await speak(build(), OPEN, { connOptions: fast({ timeoutMs: 1_000 }) });
      const took = r.endedAt - r.startedAt;
      assert.ok(took >= 950 && took < 3_000, `ended after ${took} ms`);
      assert.equal(r.errors.length, 1);
      assert.ok(r.errors[0] instanceof APITimeoutError, String(r.errors[0]));
      assert.equal((r.errors[0] as APITimeoutError).retryable, false);
      const rec = ws()[0]!;
      await waitUntil(() => rec.doneAt, 2_000, 'the hung socket to be closed');
    });

    test('synthesize(): a wrong key is an APIStatusError 401, a cut body is retried', async () => {
      const errors: Error[] = [];
      const bad = build({ key: 'xi-wrong' });
      bad.on('error', (ev) => errors.push(ev.error));
      const frames: AudioFrame[] = [];
      for await (const ev of bad.synthesize(OPEN)) frames.push(ev.frame);
      assert.equal(frames.length, 0);
      assert.ok(errors[0] instanceof APIStatusError && errors[0].statusCode === 401 && !errors[0].retryable);
      assert.equal(fake.requests.length, 1);

      fake.reset();
      fake.dropNext();
      const tts = build();
      const again: AudioFrame[] = [];
      for await (const ev of tts.synthesize(OPEN)) again.push(ev.frame);
      assert.deepEqual(
        fake.requests.map((q) => q.fault),
        ['drop', undefined],
      );
      assert.ok(seconds(again) > 1);
    });

    test('synthesize(): a stalled response is a timeout error within connOptions.timeoutMs', async () => {
      fake.stallNext();
      const errors: Error[] = [];
      const tts = build();
      tts.on('error', (ev) => errors.push(ev.error));
      const started = Date.now();
      const frames: AudioFrame[] = [];
      for await (const ev of tts.synthesize(OPEN, fast({ timeoutMs: 1_000, maxRetry: 0 })))
        frames.push(ev.frame);
      const took = Date.now() - started;
      assert.ok(took >= 950 && took < 3_000, `ended after ${took} ms`);
      assert.equal(frames.length, 0);
      assert.equal(errors.length, 1);
      assert.ok(errors[0] instanceof APITimeoutError, String(errors[0]));
      assert.deepEqual(
        fake.requests.map((q) => q.fault),
        ['stall'],
      );
    });

    test('synthesize(): the stalled request is retried when retries are allowed, and then speaks', async () => {
      fake.stallNext();
      const tts = build();
      const frames: AudioFrame[] = [];
      for await (const ev of tts.synthesize(OPEN, fast({ timeoutMs: 1_000, maxRetry: 1 })))
        frames.push(ev.frame);
      assert.deepEqual(
        fake.requests.map((q) => q.fault),
        ['stall', undefined],
      );
      assert.ok(seconds(frames) > 1, `${seconds(frames)} s of audio`);
    });
  });

  describe('the fake’s multi-context protocol, driven directly', () => {
    const connect = (query = 'model_id=eleven_flash_v2_5&output_format=pcm_16000&sync_alignment=true') =>
      new Promise<{ socket: WebSocket; messages: Record<string, any>[]; closed: Promise<number> }>(
        (resolve, reject) => {
          const url = `${fake.baseUrl.replace('http', 'ws')}/v1/text-to-speech/${RACHEL}/multi-stream-input?${query}`;
          const socket = new WebSocket(url, { headers: { 'xi-api-key': fake.apiKey } });
          const messages: Record<string, any>[] = [];
          const closed = new Promise<number>((r) => socket.on('close', (code) => r(code)));
          socket.on('message', (d) => messages.push(JSON.parse(String(d))));
          socket.on('open', () => resolve({ socket, messages, closed }));
          socket.on('error', reject);
        },
      );

    test('close_context drops unflushed text; flushed text is spoken; close_socket ends it all', async () => {
      const { socket, messages, closed } = await connect();
      const send = (m: object) => socket.send(JSON.stringify(m));
      send({ text: ' ', context_id: 'a' });
      send({ text: 'Hello there. ', context_id: 'a' }); // below the 120-character schedule: buffered
      send({ context_id: 'a', close_context: true });
      await waitUntil(() => messages.find((m) => m.contextId === 'a' && m.isFinal), 2_000, 'the final of a');
      assert.equal(messages.filter((m) => m.audio).length, 0, 'nothing was spoken for a');

      send({ text: ' ', context_id: 'b', voice_settings: { stability: 0.5, similarity_boost: 0.8 } });
      send({ text: `${OPEN} `, context_id: 'b', flush: true });
      send({ text: '', context_id: 'b' }); // keep-alive: no effect
      send({ close_socket: true });
      assert.equal(await closed, 1000);
      const audio = messages.filter((m) => m.contextId === 'b' && m.audio);
      assert.ok(audio.length > 1);
      assert.equal(
        audio.map((m) => m.alignment.chars.join('')).join(''),
        `${OPEN} `,
        'every character, as sent',
      );
      assert.deepEqual(messages.at(-1), { isFinal: true, contextId: 'b' });

      const [a, b] = ws()[0]!.contexts!;
      assert.deepEqual([a!.text, a!.cancelled, a!.closedBy], ['Hello there.', true, 'close_context']);
      assert.deepEqual([b!.text, b!.cancelled, b!.closedBy, b!.final], [OPEN, false, 'close_socket', true]);
      assert.deepEqual(b!.voiceSettings, { stability: 0.5, similarity_boost: 0.8 });
    });

    test('a sixth open context is refused with max_active_conversations', async () => {
      const { socket, messages, closed } = await connect();
      for (let i = 0; i < 6; i++) socket.send(JSON.stringify({ text: ' ', context_id: `c${i}` }));
      assert.equal(await closed, 1008);
      assert.equal(messages.at(-1)!.error, 'max_active_conversations');
    });

    test('upgrades need the key and a PCM output format', async () => {
      const refused = (query: string, key?: string) =>
        new Promise<number>((resolve) => {
          const url = `${fake.baseUrl.replace('http', 'ws')}/v1/text-to-speech/${RACHEL}/multi-stream-input?${query}`;
          const s = new WebSocket(url, key ? { headers: { 'xi-api-key': key } } : {});
          s.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
          s.on('open', () => resolve(101));
          s.on('error', () => undefined);
        });
      assert.equal(await refused('output_format=pcm_22050'), 401);
      assert.equal(await refused('output_format=pcm_22050', 'xi-wrong'), 401);
      assert.equal(await refused('output_format=mp3_44100_128', fake.apiKey), 400);
      fake.failNext(429);
      assert.equal(await refused('output_format=pcm_22050', fake.apiKey), 429);
      const statuses = (fake.requests as ElevenLabsRequestRecord[]).map((r) => [r.status, r.fault]);
      assert.deepEqual(statuses, [
        [401, undefined],
        [401, undefined],
        [400, undefined],
        [429, 'fail'],
      ]);
    });
  });
});
