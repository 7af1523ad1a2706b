/**
 * The fake OpenAI REST API against the real clients: `openai.LLM`, `openai.TTS` and `openai.STT`
 * (`useRealtime: false`) from @livekit/agents-plugin-openai 1.9, constructed with `baseURL`, so
 * protocol mismatches show up here rather than as a silent call in `npm run bench:voice`.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { initializeLogger, llm as agentsLlm } from '@livekit/agents';
import * as openai from '@livekit/agents-plugin-openai';
import { AudioFrame } from '@livekit/rtc-node';
import { resamplePcm16 } from '../../src/audio/resample.ts';
import { FliteSynthesizer } from '../../src/providers/flite/index.ts';
import { bakery } from '../fixtures/bakery-agent.ts';
import { transcribe } from '../helpers/transcribe.ts';
import { startFakeOpenAIRest, TTS_RATE, type FakeOpenAIRest } from './openai-rest.ts';
import { norm } from '../helpers/text.ts';

const LLM_MS = 300;
const TTS_MS = 150;
const STT_MS = 100;
/**
 * Timer slack allowed above a configured latency, checked on the latency the server recorded; the
 * client side only checks the lower bound (a loaded machine delays the client arbitrarily).
 */
const SLACK = 150;

async function chat(model: openai.LLM, text: string) {
  const chatCtx = agentsLlm.ChatContext.empty();
  chatCtx.addMessage({ role: 'system', content: 'You answer the bakery phone.' });
  chatCtx.addMessage({ role: 'user', content: text });
  const started = Date.now();
  let firstAt: number | undefined;
  let reply = '';
  const stream = model.chat({ chatCtx });
  for await (const chunk of stream) {
    const content = chunk.delta?.content ?? '';
    if (content && firstAt === undefined) firstAt = Date.now();
    reply += content;
  }
  return { reply, ttft: (firstAt ?? Date.now()) - started };
}

describe('fake OpenAI REST API with the plugin clients', { timeout: 60_000 }, () => {
  let fake: FakeOpenAIRest;
  let synth: FliteSynthesizer;

  before(async () => {
    initializeLogger({ pretty: false, level: 'fatal' });
    synth = new FliteSynthesizer();
    fake = await startFakeOpenAIRest({
      apiKey: 'sk-fake',
      llmFirstTokenMs: LLM_MS,
      ttsFirstByteMs: TTS_MS,
      sttFinalMs: STT_MS,
    });
    await fake.warm([bakery.turns[0]!.reply]);
  });
  after(async () => {
    await fake?.close();
    await synth?.close();
  });
  beforeEach(() => fake.reset());

  test('chat completions stream the bakery reply; first token after llmFirstTokenMs', async () => {
    const model = new openai.LLM({ model: 'gpt-4o-mini', apiKey: 'sk-fake', baseURL: fake.baseUrl });
    await chat(model, 'warm up'); // the client's first request pays for lazy setup
    fake.reset();
    for (const turn of bakery.turns) {
      const { reply, ttft } = await chat(model, turn.say);
      assert.equal(reply, turn.reply);
      assert.ok(ttft >= LLM_MS - 5, `ttft ${ttft} ms`);
    }
    const { reply } = await chat(model, 'do you sell bicycles');
    assert.equal(reply, bakery.fallback);
    const recs = fake.requests.filter((r) => r.route === 'chat');
    assert.equal(recs.length, 4);
    for (const r of recs) {
      assert.equal(r.stream, true);
      assert.equal(r.model, 'gpt-4o-mini');
      assert.equal(r.authorization, 'Bearer sk-fake');
      assert.ok(r.latencyMs! >= LLM_MS && r.latencyMs! < LLM_MS + SLACK, `served ${r.latencyMs} ms`);
    }
  });

  test('a custom reply function gets the conversation', async () => {
    const custom = await startFakeOpenAIRest({ reply: ({ lastUser, n }) => `Echo ${n}: ${lastUser}.` });
    try {
      const model = new openai.LLM({ model: 'gpt-4o-mini', apiKey: 'sk-any', baseURL: custom.baseUrl });
      assert.equal((await chat(model, 'hello there')).reply, 'Echo 1: hello there.');
    } finally {
      await custom.close();
    }
  });

  test('speech is 24 kHz PCM of the input; first byte after ttsFirstByteMs', async () => {
    const tts = new openai.TTS({ model: 'tts-1', voice: 'alloy', apiKey: 'sk-fake', baseURL: fake.baseUrl });
    const text = bakery.turns[0]!.reply;
    const started = Date.now();
    const frames: AudioFrame[] = [];
    let firstAt: number | undefined;
    for await (const ev of tts.synthesize(text)) {
      firstAt ??= Date.now();
      frames.push(ev.frame);
    }
    const latency = firstAt! - started;
    assert.ok(latency >= TTS_MS - 5, `first frame after ${latency} ms`);
    assert.ok(frames.every((f) => f.sampleRate === TTS_RATE && f.channels === 1));
    const pcm = new Int16Array(frames.reduce((n, f) => n + f.samplesPerChannel, 0));
    let o = 0;
    for (const f of frames) {
      pcm.set(f.data, o);
      o += f.samplesPerChannel;
    }
    assert.ok(pcm.length / TTS_RATE > 1, `${pcm.length} samples`);
    assert.equal(norm(await transcribe(pcm, TTS_RATE, [text])), norm(text));
    const [rec] = fake.requests;
    assert.equal(rec!.route, 'speech');
    assert.equal(rec!.text, text);
    assert.ok(rec!.latencyMs! >= TTS_MS && rec!.latencyMs! < TTS_MS + SLACK, `served ${rec!.latencyMs} ms`);
    // The plugin drops the last partial 100 ms frame (its AudioByteStream is never flushed).
    assert.ok(rec!.bytes! >= pcm.length * 2 && rec!.bytes! < pcm.length * 2 + 4800, `${rec!.bytes} bytes`);
    await tts.close();
  });

  test('transcriptions (non-realtime STT) hear the uploaded WAV; result after sttFinalMs', async () => {
    const stt = new openai.STT({
      model: 'whisper-1',
      language: 'en',
      useRealtime: false,
      apiKey: 'sk-fake',
      baseURL: fake.baseUrl,
    });
    assert.equal(stt.capabilities.streaming, false);
    for (const turn of bakery.turns) {
      const r = await synth.synthesize(turn.say, 'kal16');
      const pcm = resamplePcm16(r.samples, r.sampleRate, 48_000);
      const frame = new AudioFrame(pcm, 48_000, 1, pcm.length);
      const started = Date.now();
      const ev = await stt.recognize(frame);
      const took = Date.now() - started;
      assert.equal(norm(ev.alternatives![0]!.text), norm(turn.say));
      assert.ok(took >= STT_MS - 5, `transcript after ${took} ms`);
    }
    const recs = fake.requests.filter((r) => r.route === 'transcription');
    assert.equal(recs.length, 3);
    for (const r of recs) {
      assert.equal(r.model, 'whisper-1');
      assert.ok(r.audioMs! > 1000);
      assert.ok(r.latencyMs! >= STT_MS, `served ${r.latencyMs} ms`);
    }
  });

  test('a configured transcript skips pocketsphinx and keeps the latency exact', async () => {
    fake.configure({ transcript: 'i want a cake' });
    try {
      const stt = new openai.STT({
        model: 'whisper-1',
        useRealtime: false,
        apiKey: 'sk-fake',
        baseURL: fake.baseUrl,
      });
      const frame = new AudioFrame(new Int16Array(4800), 48_000, 1, 4800);
      const started = Date.now();
      const ev = await stt.recognize(frame);
      const took = Date.now() - started;
      assert.equal(ev.alternatives![0]!.text, 'i want a cake');
      assert.ok(took >= STT_MS - 5, `transcript after ${took} ms`);
      const served = fake.requests.at(-1)!.latencyMs!;
      assert.ok(served >= STT_MS && served < STT_MS + SLACK, `served ${served} ms`);
    } finally {
      fake.configure({ transcript: undefined });
    }
  });

  test('requests without the right bearer key get a 401 JSON error', async () => {
    for (const auth of [undefined, 'Bearer sk-wrong', 'Basic c2s=']) {
      const res = await fetch(`${fake.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      });
      assert.equal(res.status, 401);
      const body = (await res.json()) as { error: { message: string; type: string } };
      assert.equal(body.error.type, 'invalid_request_error');
    }
    fake.reset();
    const model = new openai.LLM({ model: 'gpt-4o-mini', apiKey: 'sk-wrong', baseURL: fake.baseUrl });
    const errors: unknown[] = [];
    model.on('error', (e) => errors.push(e));
    const outcome = await chat(model, 'hello').then(
      (r) => r.reply,
      (e: unknown) => e,
    );
    assert.ok(outcome === '' || outcome instanceof Error, String(outcome));
    assert.ok(fake.requests.length >= 1);
    assert.ok(fake.requests.every((r) => r.status === 401));
  });
});
