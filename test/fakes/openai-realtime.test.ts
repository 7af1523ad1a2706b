/**
 * The fake OpenAI Realtime server against the real client: `openai.realtime.RealtimeModel` from
 * @livekit/agents-plugin-openai 1.9, driven directly (no AgentSession), so protocol mismatches show
 * up here rather than as a silent e2e call.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { initializeLogger, type llm } from '@livekit/agents';
import * as openai from '@livekit/agents-plugin-openai';
import { AudioFrame } from '@livekit/rtc-node';
import { WebSocket } from 'ws';
import { resamplePcm16 } from '../../src/audio/resample.ts';
import { FliteSynthesizer } from '../../src/providers/flite/index.ts';
import { waitUntil } from '../helpers/caller.ts';
import { startFakeRealtime, type FakeRealtimeServer } from './openai-realtime.ts';

const RATE = 24_000;

interface Heard {
  text: string;
  samples: number;
  peak: number;
  modalities: string[];
}

/** Reads one generation: every message's text and audio. */
async function readGeneration(ev: llm.GenerationCreatedEvent): Promise<Heard[]> {
  const out: Heard[] = [];
  for await (const msg of ev.messageStream as unknown as AsyncIterable<llm.MessageGeneration>) {
    const heard: Heard = { text: '', samples: 0, peak: 0, modalities: [] };
    const text = (async () => {
      for await (const t of msg.textStream as unknown as AsyncIterable<string | { text: string }>) {
        heard.text += typeof t === 'string' ? t : t.text;
      }
    })();
    const audio = (async () => {
      for await (const f of msg.audioStream as unknown as AsyncIterable<AudioFrame>) {
        heard.samples += f.samplesPerChannel;
        for (const s of f.data) heard.peak = Math.max(heard.peak, Math.abs(s));
      }
    })();
    heard.modalities = (await msg.modalities) ?? [];
    await Promise.all([text, audio]);
    out.push(heard);
  }
  return out;
}

/** A realtime session on the fake, with its events collected. */
function open(fake: FakeRealtimeServer, options: { modalities?: ('text' | 'audio')[] } = {}) {
  const model = new openai.realtime.RealtimeModel({
    apiKey: 'sk-fake',
    baseURL: fake.baseUrl,
    voice: 'marin',
    modalities: options.modalities,
    connOptions: { maxRetry: 0, retryIntervalMs: 100, timeoutMs: 5000 },
  });
  const session = model.session();
  const generations: Promise<Heard[]>[] = [];
  const reading = new Map<llm.GenerationCreatedEvent, Promise<Heard[]>>();
  const errors: llm.RealtimeModelError[] = [];
  const transcripts: string[] = [];
  const vad: string[] = [];
  session.on('generation_created', (ev: llm.GenerationCreatedEvent) => {
    const heard = readGeneration(ev);
    reading.set(ev, heard);
    generations.push(heard);
  });
  /** What a generation said (the listener above already reads every one). */
  const heard = (ev: llm.GenerationCreatedEvent) => reading.get(ev) ?? readGeneration(ev);
  session.on('error', (ev: llm.RealtimeModelError) => errors.push(ev));
  session.on('input_speech_started', () => vad.push('started'));
  session.on('input_speech_stopped', () => vad.push('stopped'));
  session.on('input_audio_transcription_completed', (ev: llm.InputTranscriptionCompleted) => {
    if (ev.isFinal) transcripts.push(ev.transcript);
  });
  return { model, session, generations, errors, transcripts, vad, heard };
}

/** Pushes PCM at 24 kHz in 10 ms frames, paced a little faster than real time. */
async function push(session: llm.RealtimeSession, pcm: Int16Array) {
  for (let i = 0; i < pcm.length; i += 240) {
    const frame = new Int16Array(240);
    frame.set(pcm.subarray(i, i + 240));
    session.pushAudio(new AudioFrame(frame, RATE, 1, 240));
    if (i % 2400 === 0) await new Promise((r) => setTimeout(r, 20));
  }
}

describe('fake OpenAI Realtime server with the real 1.9 client', { timeout: 60_000 }, () => {
  let fake: FakeRealtimeServer;
  let utterance: Int16Array;
  const synth = new FliteSynthesizer();

  before(async () => {
    initializeLogger({ pretty: false, level: 'fatal' });
    fake = await startFakeRealtime();
    const r = await synth.synthesize('what time do you open tomorrow', 'kal16');
    utterance = resamplePcm16(r.samples, r.sampleRate, RATE);
  });
  after(async () => {
    await synth.close();
    await fake?.close();
  });

  test('connects with the key, updates the session, detects a turn, transcribes and replies in audio', async () => {
    const rt = open(fake);
    try {
      await waitUntil(() => fake.sessionUpdates.length > 0, 5000, 'a session.update');
      assert.match(fake.handshakes.at(-1)!.url, /^\/v1\/realtime\?model=gpt-realtime$/);
      assert.equal(fake.handshakes.at(-1)!.authorization, 'Bearer sk-fake');
      const update = fake.sessionUpdates[0]!.session;
      assert.equal(update.type, 'realtime');
      assert.deepEqual(update.output_modalities, ['audio']);
      assert.equal(update.audio.output.voice, 'marin');

      await push(rt.session, new Int16Array(RATE / 2));
      await push(rt.session, utterance);
      await push(rt.session, new Int16Array(RATE)); // 1 s of silence ends the turn
      await waitUntil(() => rt.generations.length === 1, 5000, 'a server-VAD response');
      const [msg] = await rt.generations[0]!;
      assert.deepEqual(rt.vad, ['started', 'stopped']);
      assert.deepEqual(rt.transcripts, ['caller turn 1']);
      assert.equal(msg!.text, 'Realtime reply number 1.');
      assert.deepEqual(msg!.modalities, ['audio', 'text']);
      assert.ok(msg!.samples > RATE / 2, `${msg!.samples} samples of reply audio`);
      assert.ok(msg!.peak > 1000, 'the reply audio is not silent');
      assert.ok(fake.types().includes('input_audio_buffer.append'));
      assert.equal(fake.responses.at(-1)!.status, 'completed');

      // A client-initiated reply (how Parley greets through the model) says the quoted sentence.
      const gen = await rt.session.generateReply(
        'Say exactly the following sentence, and nothing else: "Hello there."',
      );
      assert.equal(gen.userInitiated, true);
      const [greeting] = await rt.heard(gen);
      assert.equal(greeting!.text, 'Hello there.');
      assert.deepEqual(rt.errors, []);
    } finally {
      await rt.session.close();
    }
  });

  test('text modality replies with output_text', async () => {
    const rt = open(fake, { modalities: ['text'] });
    try {
      const gen = await rt.session.generateReply();
      const [msg] = await rt.heard(gen);
      assert.match(msg!.text, /^Realtime reply number \d+\.$/);
      assert.deepEqual(msg!.modalities, ['text']);
      assert.equal(msg!.samples, 0);
      assert.deepEqual(fake.sessions.get(fake.connections)!.output_modalities, ['text']);
    } finally {
      await rt.session.close();
    }
  });

  test('failure knobs: failed response, error event, slow first audio, dropped socket', async () => {
    const rt = open(fake);
    try {
      fake.failNextResponse('server_error');
      await assert.doesNotReject(async () => {
        const gen = await rt.session.generateReply();
        await rt.heard(gen);
      });
      await waitUntil(() => rt.errors.length === 1, 3000, 'the failed response to surface as an error');
      assert.match(rt.errors[0]!.error.message, /server_error/);
      assert.equal(rt.errors[0]!.recoverable, true);

      fake.failNextResponse('rate_limit_exceeded', 'error');
      await assert.rejects(rt.session.generateReply(), /fake failed/);
      await waitUntil(() => rt.errors.length === 2, 3000, 'the error event to surface');

      fake.firstAudioDelayMs = 600;
      const asked = Date.now();
      await rt.heard(await rt.session.generateReply());
      const r = fake.responses.at(-1)!;
      assert.ok(r.firstDeltaAt! - asked >= 600, `first audio after ${r.firstDeltaAt! - asked} ms`);
      fake.firstAudioDelayMs = 0;

      const before = fake.connections;
      fake.dropAfterNextAudio();
      void rt.session.generateReply().catch(() => undefined);
      // The client reconnects on its own after a dropped socket.
      await waitUntil(() => fake.connections === before + 1, 5000, 'the client to reconnect');
      assert.equal(fake.responses.at(-1)!.status, 'dropped');
    } finally {
      await rt.session.close();
    }
  });

  test('rejected upgrades answer with the HTTP status and an OpenAI error body', async () => {
    // A plain ws client: the 1.9 plugin's handshake has no 'error' listener, so a rejected upgrade
    // surfaces there as an uncaught exception (see the e2e suite's notes).
    fake.rejectConnections(429);
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${fake.port}/v1/realtime?model=gpt-realtime`, {
        headers: { Authorization: 'Bearer sk-fake' },
      });
      const status = await new Promise<number>((resolve, reject) => {
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => reject(new Error('the upgrade was accepted')));
        ws.on('error', reject);
      });
      ws.terminate();
      assert.equal(status, 429);
      assert.equal(fake.handshakes.at(-1)!.status, 429);
    } finally {
      fake.rejectConnections(null);
    }
  });
});
