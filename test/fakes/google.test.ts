/**
 * The Google fake against the real clients: `googleFactories` builds `google.LLM` and the Gemini
 * Live `RealtimeModel` of @livekit/agents-plugin-google 1.9 (through Parley's wrappers) with the
 * organization's `{apiKey, baseUrl}`, and the realtime session is driven directly (no
 * AgentSession), so protocol mismatches and plugin failure modes show up here.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { APIConnectionError, APIStatusError, initializeLogger, llm, type APIError } from '@livekit/agents';
import * as google from '@livekit/agents-plugin-google';
import { AudioFrame, dispose } from '@livekit/rtc-node';
import { z } from 'zod';
import { resamplePcm16 } from '../../src/audio/resample.ts';
import { findModel, type CatalogModel } from '../../src/catalog/index.ts';
import { FliteSynthesizer } from '../../src/providers/flite/index.ts';
import { GeminiRealtimeModel, googleAccount, googleFactories } from '../../src/providers/google/index.ts';
import { ProviderAccountError } from '../../src/providers/types.ts';
import { bakery } from '../fixtures/bakery-agent.ts';
import { norm } from '../helpers/text.ts';
import { transcribe } from '../helpers/transcribe.ts';
import { waitUntil } from '../helpers/wait.ts';
import { defaultRestReply, startGoogleFake, type GoogleFake } from './google.ts';

const LLM_MODEL = findModel('google', 'LLM', 'gemini-3.5-flash')!;
const STS_MODEL = findModel('google', 'STS', 'gemini-3.1-flash-live-preview')!;
const MIC_RATE = 48_000;
const GREETING = `Say exactly the following sentence, and nothing else: "${bakery.welcome}"`;
const FAST = { maxRetry: 0, retryIntervalMs: 50, timeoutMs: 3000 };

/** What an LLM's `error` event carries (not exported by @livekit/agents). */
interface LLMError {
  error: Error;
  recoverable: boolean;
}

// Anything thrown out of a plugin callback or promise lands here instead of killing the run, and
// the last test fails if anything did.
const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => uncaught.push(err);

function chatCtx(text: string) {
  const ctx = llm.ChatContext.empty();
  ctx.addMessage({ role: 'system', content: 'You answer the bakery phone.' });
  ctx.addMessage({ role: 'user', content: text });
  return ctx;
}

/** Runs one chat stream to its end; errors come as the LLM's `error` events. */
async function chat(
  model: llm.LLM,
  ctx: llm.ChatContext,
  options: Partial<Parameters<llm.LLM['chat']>[0]> = {},
) {
  const errors: LLMError[] = [];
  const onError = (e: LLMError) => errors.push(e);
  model.on('error', onError);
  const started = Date.now();
  let firstAt: number | undefined;
  let text = '';
  const calls: llm.FunctionCall[] = [];
  try {
    for await (const chunk of model.chat({ chatCtx: ctx, ...options })) {
      if (chunk.delta?.content) {
        firstAt ??= Date.now();
        text += chunk.delta.content;
      }
      calls.push(...(chunk.delta?.toolCalls ?? []));
    }
  } finally {
    model.off('error', onError);
  }
  return { text, calls, errors, ttft: firstAt === undefined ? undefined : firstAt - started };
}

interface Heard {
  text: string;
  pcm: Int16Array;
  modalities: string[];
  firstAudioAt?: number;
}

/** Reads one generation: its message's text and audio. */
async function readGeneration(ev: llm.GenerationCreatedEvent): Promise<Heard[]> {
  const out: Heard[] = [];
  for await (const msg of ev.messageStream as unknown as AsyncIterable<llm.MessageGeneration>) {
    const heard: Heard = { text: '', pcm: new Int16Array(0), modalities: [] };
    const chunks: Int16Array[] = [];
    const text = (async () => {
      for await (const t of msg.textStream as unknown as AsyncIterable<string>) heard.text += t;
    })();
    const audio = (async () => {
      for await (const f of msg.audioStream as unknown as AsyncIterable<AudioFrame>) {
        heard.firstAudioAt ??= Date.now();
        chunks.push(new Int16Array(f.data));
      }
    })();
    heard.modalities = (await msg.modalities) ?? [];
    await Promise.all([text, audio]);
    heard.pcm = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of chunks) {
      heard.pcm.set(c, o);
      o += c.length;
    }
    out.push(heard);
  }
  return out;
}

/** A realtime session with its events collected. */
function open(model: llm.RealtimeModel) {
  const session = model.session();
  const reading = new Map<llm.GenerationCreatedEvent, Promise<Heard[]>>();
  const generations: Promise<Heard[]>[] = [];
  const errors: llm.RealtimeModelError[] = [];
  const transcripts: string[] = [];
  session.on('generation_created', (ev: llm.GenerationCreatedEvent) => {
    const heard = readGeneration(ev);
    reading.set(ev, heard);
    generations.push(heard);
  });
  session.on('error', (ev: llm.RealtimeModelError) => errors.push(ev));
  session.on('input_audio_transcription_completed', (ev: llm.InputTranscriptionCompleted) => {
    if (ev.isFinal) transcripts.push(ev.transcript);
  });
  const heard = (ev: llm.GenerationCreatedEvent) => reading.get(ev) ?? readGeneration(ev);
  return { session, generations, errors, transcripts, heard };
}

/** Pushes PCM at 48 kHz in 10 ms frames, a little faster than real time. */
async function push(session: llm.RealtimeSession, pcm: Int16Array) {
  const frame = MIC_RATE / 100;
  for (let i = 0; i < pcm.length; i += frame) {
    const data = new Int16Array(frame);
    data.set(pcm.subarray(i, i + frame));
    session.pushAudio(new AudioFrame(data, MIC_RATE, 1, frame));
    if ((i / frame) % 10 === 9) await new Promise((r) => setTimeout(r, 50));
  }
}

/** A port with nothing listening. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('Google fake with the real @livekit/agents-plugin-google 1.9 clients', { timeout: 240_000 }, () => {
  let fake: GoogleFake;
  const synth = new FliteSynthesizer();
  let utterance: Int16Array;

  const credentials = () => ({ apiKey: fake.apiKey, baseUrl: fake.baseUrl });
  const input = (model: CatalogModel, params: Record<string, unknown> = {}, apiKey?: string) => ({
    model,
    params,
    language: 'en-US',
    expectedPhrases: [],
    credentials: { ...credentials(), ...(apiKey ? { apiKey } : {}) },
  });
  const buildLLM = (params: Record<string, unknown> = {}, apiKey?: string) =>
    googleFactories.LLM!(input(LLM_MODEL, params, apiKey));
  const buildSTS = (params: Record<string, unknown> = {}, apiKey?: string) =>
    googleFactories.STS!(input(STS_MODEL, params, apiKey));

  before(async () => {
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
    initializeLogger({ pretty: false, level: 'fatal' });
    fake = await startGoogleFake();
    const r = await synth.synthesize(bakery.turns[0]!.say, 'kal16');
    utterance = resamplePcm16(r.samples, r.sampleRate, MIC_RATE);
  });
  after(async () => {
    await synth.close();
    await fake?.close();
    await dispose(); // rtc-node's native runtime (the plugin's resampler) keeps the process alive
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
  });
  beforeEach(() => fake.reset());

  describe('LLM (streamGenerateContent)', () => {
    test('streams the bakery reply word by word; the first token comes after the latency', async () => {
      const model = buildLLM({ temperature: 0.3 });
      fake.setLatency(300);
      const { text, errors, ttft } = await chat(model, chatCtx(bakery.turns[0]!.say));
      assert.deepEqual(errors, []);
      assert.equal(text, bakery.turns[0]!.reply);
      assert.ok(ttft !== undefined && ttft >= 295, `first token after ${ttft} ms`);
      const [rec] = fake.requests;
      assert.equal(fake.requests.length, 1);
      assert.equal(rec!.path, '/v1beta/models/gemini-3.5-flash:streamGenerateContent');
      assert.equal(rec!.status, 200);
      assert.ok(rec!.firstOutputAt! - rec!.at >= 300, 'the fake held the first token back');
      const body = fake.generated[0]!.body;
      assert.deepEqual(body.systemInstruction, { parts: [{ text: 'You answer the bakery phone.' }] });
      assert.deepEqual(body.contents, [{ role: 'user', parts: [{ text: bakery.turns[0]!.say }] }]);
      assert.equal(body.generationConfig.temperature, 0.3);
      // Several SSE events, not one: the client really streamed.
      assert.equal(fake.generated[0]!.stream, true);
    });

    test('a tool call round trip, with the Gemini 3 thought signature sent back', async () => {
      const model = buildLLM();
      const tools = {
        check_hours: llm.tool({
          description: 'Opening hours for a day.',
          parameters: z.object({ day: z.string() }),
          execute: async () => 'nine to five',
        }),
      };
      const ctx = chatCtx('can you check hours for monday');
      const first = await chat(model, ctx, { toolCtx: tools });
      assert.deepEqual(first.errors, []);
      assert.equal(first.calls.length, 1);
      const call = first.calls[0]!;
      assert.equal(call.name, 'check_hours');
      assert.deepEqual(JSON.parse(call.args), { day: '' });
      assert.ok(call.thoughtSignature, 'the function call carries the thought signature');
      const decl = fake.generated[0]!.body.tools[0].functionDeclarations[0];
      assert.equal(decl.name, 'check_hours');
      assert.deepEqual(decl.parameters.required, ['day']);

      ctx.insert(call);
      ctx.insert(
        llm.FunctionCallOutput.create({
          callId: call.callId,
          name: call.name,
          output: 'nine to five',
          isError: false,
        }),
      );
      const second = await chat(model, ctx, { toolCtx: tools });
      assert.deepEqual(second.errors, []);
      assert.equal(second.text, 'check_hours returned nine to five.');
      const sent = fake.generated[1]!.body.contents;
      assert.equal(sent[1].role, 'model');
      assert.equal(sent[1].parts[0].thoughtSignature, call.thoughtSignature);
      assert.deepEqual(sent[2].parts[0].functionResponse.response, { output: 'nine to five' });

      // The check is real: the same history without the signature is refused, as Google refuses it.
      const unsigned = chatCtx('can you check hours for monday');
      unsigned.insert(
        llm.FunctionCall.create({ callId: 'c1', name: 'check_hours', args: '{"day":"monday"}' }),
      );
      unsigned.insert(
        llm.FunctionCallOutput.create({ callId: 'c1', name: 'check_hours', output: 'x', isError: false }),
      );
      const refused = await chat(model, unsigned, { toolCtx: tools, connOptions: FAST });
      assert.equal(refused.errors.length, 1);
      assert.ok(refused.errors[0]!.error instanceof APIStatusError);
      assert.equal((refused.errors[0]!.error as APIStatusError).statusCode, 400);
      assert.match(refused.errors[0]!.error.message, /thought_signature/);
    });

    test('closing the stream cancels the request, with no error event', async () => {
      const model = buildLLM();
      const errors: LLMError[] = [];
      model.on('error', (e: LLMError) => errors.push(e));
      fake.reply = () => Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
      fake.tokenIntervalMs = 60; // the whole reply would take 59 × 60 ms ≈ 3.5 s
      try {
        const stream = model.chat({ chatCtx: chatCtx('tell me a long story') });
        for await (const chunk of stream) {
          if (chunk.delta?.content) break;
        }
        stream.close(); // what the AgentSession does when the caller interrupts
        await waitUntil(() => fake.requests[0]?.cancelled, 2000, 'the fake to see the request cancelled');
        const rec = fake.requests[0]!;
        // (The first abort in a process also pays for loading source maps, ~0.5 s under tsx.)
        assert.ok(rec.doneAt! - rec.firstOutputAt! < 3000, 'cut before its 60 words were sent');

        // Cancelled while waiting for the first token: nothing to retry, nothing to report.
        fake.setLatency(1500);
        const early = model.chat({
          chatCtx: chatCtx('hello'),
          connOptions: { maxRetry: 2, retryIntervalMs: 20, timeoutMs: 5000 },
        });
        setTimeout(() => early.close(), 150);
        for await (const _ of early) {
          // drained
        }
        await waitUntil(() => fake.requests[1]?.cancelled, 2000, 'the early cancel to reach the fake');
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(fake.requests.length, 2, 'no retry after a cancel');
        assert.deepEqual(
          errors.map((e) => e.error.message),
          [],
        );
      } finally {
        fake.reply = defaultRestReply;
        fake.tokenIntervalMs = 40;
      }
    });

    test('a wrong key: Google answers 400 API_KEY_INVALID; one request, not retryable', async () => {
      const { text, errors } = await chat(buildLLM({}, 'AIzaSy-wrong'), chatCtx('hello'));
      assert.equal(text, '');
      assert.equal(fake.requests.length, 1, 'a rejected key is not retried');
      assert.equal(fake.requests[0]!.status, 400);
      assert.equal(errors.length, 1);
      const err = errors[0]!.error as APIStatusError;
      assert.ok(err instanceof APIStatusError, `${err.constructor.name}: ${err.message}`);
      assert.equal(err.statusCode, 400);
      assert.equal(err.retryable, false);
      assert.match(err.message, /API key not valid/);
      assert.equal(errors[0]!.recoverable, false);
    });

    for (const status of [401, 403]) {
      test(`failNext(${status}): a non-retryable APIStatusError after one request`, async () => {
        fake.failNext(status);
        const { errors } = await chat(buildLLM(), chatCtx('hello'));
        assert.equal(fake.requests.length, 1);
        assert.equal(errors.length, 1);
        const err = errors[0]!.error as APIStatusError;
        assert.ok(err instanceof APIStatusError);
        assert.equal(err.statusCode, status);
        assert.equal(err.retryable, false);
        assert.match(err.message, status === 401 ? /invalid authentication credentials/ : /permission/);
      });
    }

    test('429 then success: retried, and the reply arrives', async () => {
      fake.failNext(429);
      const { text, errors } = await chat(buildLLM(), chatCtx(bakery.turns[1]!.say), {
        connOptions: { maxRetry: 1, retryIntervalMs: 50, timeoutMs: 5000 },
      });
      assert.equal(text, bakery.turns[1]!.reply);
      assert.deepEqual(
        fake.requests.map((r) => r.status),
        [429, 200],
      );
      assert.equal(errors.length, 1);
      assert.equal((errors[0]!.error as APIStatusError).statusCode, 429);
      assert.equal(errors[0]!.error instanceof APIStatusError && errors[0]!.error.retryable, true);
      assert.equal(errors[0]!.recoverable, true);
    });

    test('5xx after retries: every attempt retryable, then a final unrecoverable error', async () => {
      fake.failNext(500, 3);
      const { text, errors } = await chat(buildLLM(), chatCtx('hello'), {
        connOptions: { maxRetry: 2, retryIntervalMs: 20, timeoutMs: 5000 },
      });
      assert.equal(text, '');
      assert.deepEqual(
        fake.requests.map((r) => r.status),
        [500, 500, 500],
      );
      assert.deepEqual(
        errors.map((e) => [
          (e.error as APIStatusError).statusCode,
          (e.error as APIError).retryable,
          e.recoverable,
        ]),
        [
          [500, true, true],
          [500, true, true],
          [500, true, false],
        ],
      );
    });

    test('dropNext: the stream is cut after its first token and ends with an error, not a hang', async () => {
      fake.dropNext();
      const started = Date.now();
      const { text, errors } = await chat(buildLLM(), chatCtx(bakery.turns[0]!.say), { connOptions: FAST });
      assert.ok(Date.now() - started < 3000);
      assert.equal(text, 'We ', 'only the first token got through');
      assert.equal(fake.requests[0]!.fault, 'drop');
      assert.equal(errors.length, 1);
      assert.ok(errors[0]!.error instanceof APIConnectionError);
      assert.equal(errors[0]!.recoverable, false);
    });

    test('stallNext: the client times out instead of hanging', async () => {
      fake.stallNext();
      const started = Date.now();
      const { text, errors } = await chat(buildLLM(), chatCtx('hello'), {
        connOptions: { maxRetry: 0, retryIntervalMs: 20, timeoutMs: 600 },
      });
      const took = Date.now() - started;
      assert.ok(took >= 550 && took < 3000, `gave up after ${took} ms`);
      assert.equal(text, '');
      assert.equal(fake.requests[0]!.fault, 'stall');
      await waitUntil(() => fake.requests[0]!.cancelled, 1000, 'the stalled request to be abandoned');
      assert.equal(errors.length, 1);
      assert.ok(errors[0]!.error instanceof APIConnectionError);
    });

    test('prewarm lists models at the configured base URL', async () => {
      const model = buildLLM();
      model.prewarm();
      await waitUntil(
        () => fake.requests.find((r) => r.path === '/v1beta/models'),
        3000,
        'the prewarm request',
      );
      assert.equal(fake.requests[0]!.status, 200);
      await model.aclose();
    });
  });

  describe('account verification (GET /v1beta/models)', () => {
    test('accepts the right key, rejects a wrong one, classifies outages', async () => {
      await googleAccount.verify(credentials());
      assert.equal(fake.requests[0]!.path, '/v1beta/models');
      assert.equal(fake.requests[0]!.status, 200);

      const wrong = await googleAccount
        .verify({ ...credentials(), apiKey: 'AIzaSy-wrong' })
        .catch((e: unknown) => e);
      assert.ok(wrong instanceof ProviderAccountError);
      assert.equal(wrong.kind, 'rejected');
      assert.equal(wrong.status, 400);
      assert.equal(wrong.retryable, false);

      fake.failNext(403);
      const denied = await googleAccount.verify(credentials()).catch((e: unknown) => e);
      assert.ok(denied instanceof ProviderAccountError && denied.kind === 'rejected');

      fake.failNext(429);
      const limited = await googleAccount.verify(credentials()).catch((e: unknown) => e);
      assert.ok(limited instanceof ProviderAccountError && limited.kind === 'rate_limited');

      fake.failNext(500);
      const down = await googleAccount.verify(credentials()).catch((e: unknown) => e);
      assert.ok(down instanceof ProviderAccountError && down.kind === 'unavailable' && down.retryable);

      const port = await closedPort();
      const gone = await googleAccount
        .verify({ apiKey: fake.apiKey, baseUrl: `http://127.0.0.1:${port}` })
        .catch((e: unknown) => e);
      assert.ok(gone instanceof ProviderAccountError && gone.kind === 'unavailable');
    });
  });

  describe('REST protocol details (raw requests)', () => {
    const post = (path: string, body: unknown, key = fake.apiKey) =>
      fetch(`${fake.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-goog-api-key': key },
        body: JSON.stringify(body),
      });

    test('generateContent, models.list paging and Google-style 400s', async () => {
      const ok = await post('/v1beta/models/gemini-3.5-flash:generateContent', {
        contents: [{ role: 'user', parts: [{ text: bakery.turns[2]!.say }] }],
      });
      assert.equal(ok.status, 200);
      const one = (await ok.json()) as any;
      assert.equal(one.candidates[0].content.parts[0].text, bakery.turns[2]!.reply);
      assert.equal(one.candidates[0].finishReason, 'STOP');
      assert.ok(one.usageMetadata.totalTokenCount > 0);

      const page = (await (
        await fetch(`${fake.baseUrl}/v1beta/models?pageSize=1&key=${fake.apiKey}`)
      ).json()) as any;
      assert.equal(page.models.length, 1);
      assert.ok(page.nextPageToken);
      const rest = (await (
        await fetch(`${fake.baseUrl}/v1beta/models?pageToken=${page.nextPageToken}&key=${fake.apiKey}`)
      ).json()) as any;
      assert.ok(rest.models.some((m: any) => m.name === 'models/gemini-3.1-flash-live-preview'));

      const cases: [unknown, RegExp][] = [
        [{ contents: [] }, /contents is not specified/],
        [{ contents: [{ role: 'system', parts: [{ text: 'x' }] }] }, /valid role: user, model/],
        [
          { contents: [{ role: 'user', parts: [{ text: 'x' }] }], temprature: 1 },
          /Unknown name "temprature"/,
        ],
        [
          { contents: [{ role: 'user', parts: [{ text: 'x' }] }], generationConfig: { temperature: 3 } },
          /range \[0, 2\]/,
        ],
        [{ contents: [{ role: 'user', parts: [{ text: '' }] }] }, /empty text parameter/],
      ];
      for (const [body, message] of cases) {
        const res = await post('/v1beta/models/gemini-3.5-flash:generateContent', body);
        assert.equal(res.status, 400);
        const err = (await res.json()) as any;
        assert.equal(err.error.status, 'INVALID_ARGUMENT');
        assert.match(err.error.message, message);
      }
      const unknown = await post('/v1beta/models/gemini-0-nope:streamGenerateContent?alt=sse', {
        contents: [{ role: 'user', parts: [{ text: 'x' }] }],
      });
      assert.equal(unknown.status, 404);
      assert.match(((await unknown.json()) as any).error.message, /is not found for API version v1beta/);
      const nokey = await post('/v1beta/models/gemini-3.5-flash:generateContent', {}, '');
      assert.equal(nokey.status, 403);
      assert.equal(((await nokey.json()) as any).error.status, 'PERMISSION_DENIED');
    });
  });

  describe('Gemini Live (BidiGenerateContent)', () => {
    test('connects, hears the caller, transcribes and answers in speech', async () => {
      const rt = open(buildSTS({ voice: 'Kore' }));
      try {
        await waitUntil(() => fake.live[0]?.received.length, 5000, 'the setup message');
        const conn = fake.live[0]!;
        assert.equal(
          conn.path,
          '//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent',
        );
        assert.equal(conn.key, fake.apiKey);
        assert.equal(conn.setup!.model, 'models/gemini-3.1-flash-live-preview');
        assert.deepEqual(conn.setup!.generationConfig.responseModalities, ['AUDIO']);
        assert.equal(
          conn.setup!.generationConfig.speechConfig.voiceConfig.prebuiltVoiceConfig.voiceName,
          'Kore',
        );
        assert.equal(conn.setup!.generationConfig.speechConfig.languageCode, 'en-US');
        assert.deepEqual(conn.setup!.inputAudioTranscription, {});

        await push(rt.session, new Int16Array(MIC_RATE / 2));
        await push(rt.session, utterance);
        await push(rt.session, new Int16Array(MIC_RATE)); // one second of silence ends the turn
        await waitUntil(() => rt.generations.length === 1, 10_000, 'the reply generation');
        const [msg] = await rt.generations[0]!;
        assert.equal(conn.turns[0]!.trigger, 'speech');
        assert.equal(
          norm(conn.turns[0]!.heard!),
          norm(bakery.turns[0]!.say),
          'pocketsphinx heard the caller',
        );
        assert.deepEqual(rt.transcripts.map(norm), [norm(bakery.turns[0]!.say)]);
        assert.equal(msg!.text, bakery.turns[0]!.reply, 'the output transcription is the reply');
        assert.deepEqual(msg!.modalities, ['audio', 'text']);
        assert.ok(msg!.pcm.length > 24_000 / 2, `${msg!.pcm.length} samples of reply audio`);
        const said = await transcribe(msg!.pcm, 24_000, [
          bakery.turns[0]!.reply,
          ...bakery.turns.map((t) => t.say),
        ]);
        assert.equal(norm(said), norm(bakery.turns[0]!.reply), 'the reply audio says the reply');
        assert.ok(conn.audioInMs > 2000, 'the caller audio reached the fake');
        assert.ok(conn.received.some((m) => m.type === 'realtimeInput' && m.detail === 'audio'));
        assert.equal(conn.turns[0]!.status, 'completed');
        assert.deepEqual(rt.errors, []);
      } finally {
        await rt.session.close();
      }
    });

    test('an instructed generateReply speaks the sentence; setLatency delays its first audio', async () => {
      const rt = open(buildSTS());
      try {
        const gen = await rt.session.generateReply(GREETING);
        assert.equal(gen.userInitiated, true);
        const [greeting] = await rt.heard(gen);
        assert.equal(greeting!.text, bakery.welcome);
        const said = await transcribe(greeting!.pcm, 24_000, [bakery.welcome]);
        assert.equal(norm(said), norm(bakery.welcome));
        const conn = fake.live[0]!;
        assert.deepEqual(
          conn.received.filter((m) => m.type === 'clientContent').map((m) => m.detail),
          ['turnComplete=true'],
        );
        assert.equal(conn.turns[0]!.instructions, GREETING, 'instructions travel as a model turn');

        fake.setLatency(800);
        const asked = Date.now();
        const [slow] = await rt.heard(await rt.session.generateReply(GREETING));
        assert.ok(slow!.firstAudioAt! - asked >= 800, `first audio after ${slow!.firstAudioAt! - asked} ms`);
        const turn = conn.turns[1]!;
        assert.ok(turn.firstOutputAt! - turn.startedAt >= 800);
        assert.deepEqual(rt.errors, []);
      } finally {
        await rt.session.close();
      }
    });

    test('text-only (half-cascade): audio on the wire for a native-audio model, text out, no audio', async () => {
      const model = buildSTS({ modalities: ['text'] });
      assert.equal(model.capabilities.audioOutput, false, 'the AgentSession will speak with its TTS');
      const rt = open(model);
      try {
        const [msg] = await rt.heard(await rt.session.generateReply(GREETING));
        assert.equal(msg!.text, bakery.welcome);
        assert.deepEqual(msg!.modalities, ['text']);
        assert.equal(msg!.pcm.length, 0);
        assert.deepEqual(fake.live[0]!.setup!.generationConfig.responseModalities, ['AUDIO']);
        assert.ok(fake.live[0]!.turns[0]!.status === 'completed');
        assert.deepEqual(rt.errors, []);
      } finally {
        await rt.session.close();
      }
      // Why: asking a native-audio model for TEXT is refused (what the plain plugin option would do).
      const plain = new WebSocketProbe(fake);
      const closed = await plain.setup({
        model: 'models/gemini-3.1-flash-live-preview',
        generationConfig: { responseModalities: ['TEXT'] },
      });
      assert.equal(closed.code, 1007);
    });

    test('a tool call round trip over Live (toolCall → toolResponse → spoken answer)', async () => {
      const rt = open(buildSTS());
      try {
        const tools = new llm.ToolContext({
          check_hours: llm.tool({
            description: 'Opening hours for a day.',
            parameters: z.object({ day: z.string() }),
            execute: async () => 'nine to five',
          }),
        });
        await rt.session.updateTools(tools);
        await waitUntil(() => fake.live.find((c) => c.setup?.tools), 5000, 'a setup with the tool');
        const ctx = llm.ChatContext.empty();
        ctx.addMessage({ role: 'user', content: 'can you check hours for monday' });
        await rt.session.updateChatCtx(ctx);
        // No instructions: the plugin sends `turns: []`, which the SDK refuses (see the guard).
        const gen = await rt.session.generateReply();
        const calls: llm.FunctionCall[] = [];
        for await (const c of gen.functionStream as unknown as AsyncIterable<llm.FunctionCall>) calls.push(c);
        assert.equal(calls.length, 1);
        assert.equal(calls[0]!.name, 'check_hours');
        const withOutput = rt.session.chatCtx.copy();
        withOutput.insert(calls[0]!);
        withOutput.insert(
          llm.FunctionCallOutput.create({
            callId: calls[0]!.callId,
            name: 'check_hours',
            output: 'nine to five',
            isError: false,
          }),
        );
        await rt.session.updateChatCtx(withOutput);
        await waitUntil(() => rt.generations.length >= 2, 5000, 'the answer after the tool response');
        const [answer] = await rt.generations.at(-1)!;
        assert.equal(answer!.text, 'check_hours returned nine to five.');
        assert.deepEqual(rt.errors, []);
      } finally {
        await rt.session.close();
      }
    });

    test('the caller speaking over a reply interrupts it; the new turn is answered', async () => {
      const long =
        'We bake bread, cakes and cookies every day of the week, from early in the morning until late at night.';
      fake.chunkIntervalMs = 100; // real time: the reply lasts as long as its audio
      const rt = open(buildSTS());
      const started: number[] = [];
      rt.session.on('input_speech_started', () => started.push(Date.now()));
      try {
        const gen = await rt.session.generateReply(
          `Say exactly the following sentence, and nothing else: "${long}"`,
        );
        const reading = rt.heard(gen);
        await waitUntil(() => fake.live[0]?.turns[0]?.firstOutputAt, 5000, 'the reply audio to start');
        await push(rt.session, utterance);
        await push(rt.session, new Int16Array(MIC_RATE));
        const [cut] = await reading;
        await waitUntil(
          () => fake.live[0]!.turns[1]?.status === 'completed',
          10_000,
          'the answer to the caller',
        );
        const conn = fake.live[0]!;
        assert.equal(conn.turns[0]!.status, 'interrupted');
        assert.ok(
          cut!.pcm.length < (await fake.speechPcm(long)).length,
          'the interrupted reply stopped early',
        );
        assert.equal(conn.turns[1]!.trigger, 'speech');
        assert.equal(conn.turns[1]!.text, bakery.turns[0]!.reply);
        assert.ok(started.length >= 1, 'the plugin reported the caller’s speech');
        assert.deepEqual(rt.errors, []);
      } finally {
        fake.chunkIntervalMs = 40;
        await rt.session.close();
      }
    });

    test('a refused setup (failNext 403 → close 1008) is one unrecoverable error event, not a crash', async () => {
      fake.failNext(403);
      const rt = open(buildSTS());
      try {
        await waitUntil(() => rt.errors.length > 0, 5000, 'the error event');
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(rt.errors.length, 1);
        const ev = rt.errors[0]!;
        assert.equal(ev.type, 'realtime_model_error');
        assert.equal(ev.recoverable, false);
        assert.ok(ev.error instanceof APIStatusError);
        assert.equal((ev.error as APIStatusError).statusCode, 1008);
        assert.equal((ev.error as APIStatusError).retryable, false);
        assert.match(ev.error.message, /permission/);
        assert.equal(fake.live.length, 1, 'a permanent refusal is not retried');
        assert.equal(fake.live[0]!.closeCode, 1008);
      } finally {
        await rt.session.close();
      }
    });

    test('a wrong key closes the socket with 1007 and surfaces as an error event', async () => {
      const rt = open(buildSTS({}, 'AIzaSy-wrong'));
      try {
        await waitUntil(() => rt.errors.length > 0, 5000, 'the error event');
        assert.match(rt.errors[0]!.error.message, /1007.*API key not valid/);
        assert.equal(rt.errors[0]!.recoverable, false);
      } finally {
        await rt.session.close();
      }
    });

    test('a refused upgrade (HTTP 503) is retried; the retry connects and answers', async () => {
      fake.refuseNextUpgrade(503);
      const model = new GeminiRealtimeModel({
        model: STS_MODEL.name,
        apiKey: fake.apiKey,
        baseUrl: fake.baseUrl,
        voice: 'Puck',
        connOptions: { maxRetry: 1, retryIntervalMs: 50, timeoutMs: 3000 },
      });
      const rt = open(model);
      try {
        await waitUntil(() => rt.errors.length > 0, 5000, 'the failed attempt');
        assert.equal(rt.errors[0]!.recoverable, true);
        assert.equal((rt.errors[0]!.error as APIStatusError).statusCode, 503);
        assert.match(rt.errors[0]!.error.message, /HTTP 503.*overloaded/);
        const [msg] = await rt.heard(await rt.session.generateReply(GREETING));
        assert.equal(msg!.text, bakery.welcome);
        assert.deepEqual(
          fake.requests.map((r) => r.status),
          [503, 101],
        );
      } finally {
        await rt.session.close();
      }
    });

    test('nothing listening, or a stalled setup: an error event within the timeout, never a hang', async () => {
      const port = await closedPort();
      const refused = open(
        new GeminiRealtimeModel({
          model: STS_MODEL.name,
          apiKey: fake.apiKey,
          baseUrl: `http://127.0.0.1:${port}`,
          voice: 'Puck',
          connOptions: FAST,
        }),
      );
      fake.stallNext();
      const stalledAt = Date.now();
      const stalled = open(
        new GeminiRealtimeModel({
          model: STS_MODEL.name,
          apiKey: fake.apiKey,
          baseUrl: fake.baseUrl,
          voice: 'Puck',
          connOptions: { ...FAST, timeoutMs: 700 },
        }),
      );
      try {
        await waitUntil(() => refused.errors.length > 0, 5000, 'the connection-refused error');
        assert.ok(refused.errors[0]!.error instanceof APIConnectionError);
        assert.match(refused.errors[0]!.error.message, /ECONNREFUSED/);
        assert.equal(refused.errors[0]!.recoverable, false);

        await waitUntil(() => stalled.errors.length > 0, 5000, 'the setup timeout');
        const took = Date.now() - stalledAt;
        assert.ok(took >= 650 && took < 3000, `timed out after ${took} ms`);
        assert.match(stalled.errors[0]!.error.message, /did not complete the session setup within 700 ms/);
        assert.equal(fake.requests[0]!.fault, 'stall');
        await waitUntil(() => fake.live[0]!.closeCode !== undefined, 2000, 'the stalled socket to be closed');
      } finally {
        await refused.session.close();
        await stalled.session.close();
      }
    });

    test('a dropped socket is a recoverable error; the session reconnects and answers again', async () => {
      fake.dropNext();
      const rt = open(buildSTS());
      try {
        void rt.session.generateReply(GREETING).catch(() => undefined);
        await waitUntil(() => rt.errors.length > 0, 5000, 'the drop to be reported');
        assert.ok(rt.errors[0]!.error instanceof APIConnectionError);
        assert.equal(rt.errors[0]!.recoverable, true);
        assert.equal(fake.live[0]!.turns[0]!.status, 'dropped');
        await waitUntil(() => fake.live.length === 2 && fake.live[1]!.setup, 5000, 'the reconnection');
        const [msg] = await rt.heard(await rt.session.generateReply(GREETING));
        assert.equal(msg!.text, bakery.welcome);
        assert.equal(rt.errors.length, 1);
      } finally {
        await rt.session.close();
      }
    });

    test('a drop after a turn resumes with the handle; goAway and restarts reconnect silently', async () => {
      const rt = open(buildSTS());
      try {
        await rt.heard(await rt.session.generateReply(GREETING));
        await waitUntil(() => fake.live[0]!.turns[0]?.status === 'completed', 2000, 'the first turn');
        fake.dropConnections();
        await waitUntil(() => fake.live[1]?.setup, 5000, 'the reconnection after the drop');
        assert.ok(fake.live[1]!.resumedFrom, 'the new setup carries the resumption handle');
        assert.equal(rt.errors.length, 1);
        assert.equal(rt.errors[0]!.recoverable, true);

        fake.goAway('1s');
        await waitUntil(() => fake.live[2]?.setup, 5000, 'the reconnection after goAway');
        assert.equal(fake.live[1]!.closedBy, 'client');
        assert.equal(fake.live[1]!.closeCode, 1000, 'the plugin closed with a normal-closure code');

        // A voice change restarts the session: a deliberate close, not an error.
        (rt.session as unknown as { updateOptions(o: { voice: string }): void }).updateOptions({
          voice: 'Charon',
        });
        await waitUntil(() => fake.live[3]?.setup, 5000, 'the restart with the new voice');
        assert.equal(
          fake.live[3]!.setup!.generationConfig.speechConfig.voiceConfig.prebuiltVoiceConfig.voiceName,
          'Charon',
        );
        const [msg] = await rt.heard(await rt.session.generateReply(GREETING));
        assert.equal(msg!.text, bakery.welcome);
        assert.equal(rt.errors.length, 1, 'goAway and restarts report nothing');
      } finally {
        await rt.session.close();
      }
    });
  });

  describe('the plain plugin, without Parley’s wrapper (why the wrapper exists)', () => {
    const plain = (maxRetry: number) =>
      new google.realtime.RealtimeModel({
        model: STS_MODEL.name,
        apiKey: fake.apiKey,
        httpOptions: { baseUrl: fake.baseUrl },
        connOptions: { maxRetry, retryIntervalMs: 50, timeoutMs: 2000 },
      });

    test('a refused setup: an error without `type`, and no retry although retries remain', async () => {
      fake.failNext(500); // 1011: worth another attempt
      const rt = open(plain(3));
      try {
        await waitUntil(() => rt.errors.length > 0, 5000, 'the plugin’s error event');
        await new Promise((r) => setTimeout(r, 600));
        // The AgentSession recognises realtime failures by this type (hybrid mode's fallback too).
        assert.equal((rt.errors[0] as { type?: string }).type, undefined);
        assert.match(rt.errors[0]!.error.message, /Internal error occurred/);
        assert.equal((rt.errors[0]!.error as APIStatusError).statusCode, 1011);
        assert.equal(
          (rt.errors[0]!.error as APIStatusError).retryable,
          false,
          'even a transient close is final',
        );
        assert.equal(fake.live.length, 1, 'the session waits forever on the failed connect');
      } finally {
        await rt.session.close();
      }
    });

    test('generateReply() without instructions on Gemini 3.1 never gets an answer', async () => {
      const rt = open(plain(0));
      try {
        await waitUntil(() => fake.live[0]?.setup, 5000, 'the setup');
        await assert.rejects(rt.session.generateReply(), /timed out waiting for generation_created/);
        assert.ok(fake.live.length >= 2, 'the plugin restarted the session instead of asking for a reply');
        assert.ok(!fake.live[0]!.received.some((m) => m.type === 'clientContent'));
      } finally {
        await rt.session.close();
      }
    });
  });

  test('no uncaught exception or unhandled rejection escaped the plugins', () => {
    assert.deepEqual(
      uncaught.map((e) => String(e)),
      [],
    );
  });
});

/** A bare websocket client for protocol checks the plugin cannot make. */
class WebSocketProbe {
  constructor(readonly fake: GoogleFake) {}

  async setup(setup: Record<string, unknown>): Promise<{ code: number; reason: string }> {
    const { WebSocket } = await import('ws');
    const ws = new WebSocket(
      `${this.fake.baseUrl.replace('http', 'ws')}/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=${this.fake.apiKey}`,
    );
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the fake did not close the socket')), 3000);
      ws.on('open', () => ws.send(JSON.stringify({ setup })));
      ws.on('message', () => undefined);
      ws.on('error', () => undefined);
      ws.on('close', (code, reason) => {
        clearTimeout(timer);
        resolve({ code, reason: reason.toString() });
      });
    });
  }
}
