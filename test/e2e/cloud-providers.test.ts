/**
 * Whole calls on cloud providers, one per provider family, through the embedded media server with
 * an rtc-node caller. Every provider is its local fake (test/fakes/), speaking the provider's real
 * wire protocol; the organization stores each fake's key and base URL through the API, which checks
 * them with the fake first. The fakes hear the caller with pocketsphinx, answer with the bakery
 * rules and speak with flite, so what the caller hears can be checked word for word.
 *
 * One platform and one fake per provider serve the whole file; each test resets the fakes and
 * looks at what they served for its own call only.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test, type TestContext } from 'node:test';
import { encodeWav } from '../../src/audio/wav.ts';
import { modelId } from '../../src/catalog/index.ts';
import { bakery, bakeryAgent } from '../fixtures/bakery-agent.ts';
import { cloudPipelineAgents } from '../fixtures/cloud-agents.ts';
import { startAnthropicFake, type FakeAnthropic } from '../fakes/anthropic.ts';
import { startCartesiaFake, type FakeCartesia } from '../fakes/cartesia.ts';
import { startDeepgramFake, type DeepgramFake } from '../fakes/deepgram.ts';
import { startElevenLabsFake, type ElevenLabsFake } from '../fakes/elevenlabs.ts';
import { startGoogleFake, type GoogleFake } from '../fakes/google.ts';
import { startFakeOpenAIRest, type FakeOpenAIRest } from '../fakes/openai-rest.ts';
import type { FakeRequestRecord } from '../fakes/control.ts';
import { Caller, releaseCallerRuntime, speech, waitUntil } from '../helpers/caller.ts';
import { pollSession, startPlatform, type Platform } from '../helpers/platform.ts';
import { norm } from '../helpers/text.ts';
import { transcribe } from '../helpers/transcribe.ts';

after(releaseCallerRuntime);

const OPENAI_KEY = 'sk-cloud-e2e';
const STS_WELCOME = 'Hello, this is the bakery on the live line.';
/** The caller lines each pipeline call says (the cake reply's "flavour" is not in pocketsphinx's dictionary). */
const PIPELINE_TURNS = [bakery.turns[0]!, bakery.turns[2]!];

const GEMINI_LIVE = modelId('google', 'STS', 'gemini-3.1-flash-live-preview');

/** One call in progress. */
interface Call {
  caller: Caller;
  sessionId: string;
  connectedAt: number;
}

interface TranscriptEntry {
  role: string;
  text: string;
}
interface ModeEntry {
  mode: string;
  reason: string;
}
interface SessionEvent {
  type: string;
  capability?: string;
  provider?: string;
  message?: string;
}
interface TurnMetrics {
  mode: string;
  endOfSpeechToFinalTranscript: number | null;
  llmTimeToFirstToken: number | null;
  ttsTimeToFirstByte: number | null;
  voiceToVoice: number | null;
}

describe('calls on cloud providers, one per provider family', { timeout: 600_000 }, () => {
  let platform: Platform;
  let deepgram: DeepgramFake;
  let elevenlabs: ElevenLabsFake;
  let cartesia: FakeCartesia;
  let anthropic: FakeAnthropic;
  let google: GoogleFake;
  let openai: FakeOpenAIRest;

  before(async () => {
    [deepgram, elevenlabs, cartesia, anthropic, google, openai] = await Promise.all([
      startDeepgramFake(),
      startElevenLabsFake(),
      startCartesiaFake(),
      startAnthropicFake(),
      startGoogleFake(),
      startFakeOpenAIRest({ apiKey: OPENAI_KEY }),
    ]);
    const spoken = [bakery.welcome, STS_WELCOME, ...PIPELINE_TURNS.map((t) => t.reply)];
    // Flite speech and the recognizers ready before the first call, so no call waits on them.
    await Promise.all([deepgram.warm(spoken), openai.warm(spoken)]);
    platform = await startPlatform(process.env.E2E_LOG_LEVEL ? { LOG_LEVEL: process.env.E2E_LOG_LEVEL } : {});
    const credentials: [string, { apiKey: string; baseUrl: string }][] = [
      ['deepgram', deepgram],
      ['elevenlabs', elevenlabs],
      ['cartesia', cartesia],
      ['anthropic', anthropic],
      ['google', google],
      ['openai', openai],
      ['openai-compatible', openai],
    ];
    for (const [slug, fake] of credentials) {
      // The API checks the key with the fake before storing it: a 200 is also the account check.
      const res = await platform.request('PUT', `/v1/voice/providers/${slug}`, {
        apiKey: fake.apiKey,
        baseUrl: fake.baseUrl,
      });
      assert.equal(res.status, 200, `${slug}: ${JSON.stringify(res.body)}`);
    }
    const listed = await platform.request('GET', '/v1/voice/providers');
    for (const [slug] of credentials) {
      const p = listed.body.data.find((x: { slug: string }) => x.slug === slug);
      assert.ok(p?.configured && p.isActive, `${slug} is configured: ${JSON.stringify(p)}`);
    }
  });
  after(async () => {
    // Debugging aid: E2E_DUMP=/path writes the platform's output there (E2E_LOG_LEVEL=info for more).
    if (process.env.E2E_DUMP && platform) {
      writeFileSync(
        process.env.E2E_DUMP,
        `${platform.proc.stdout()}\n---- stderr ----\n${platform.proc.stderr()}`,
      );
    }
    await platform?.stop();
    await Promise.allSettled(
      [deepgram, elevenlabs, cartesia, anthropic, google, openai].map((f) => f?.close()),
    );
  });
  beforeEach(() => {
    for (const fake of [deepgram, elevenlabs, cartesia, anthropic, google, openai]) fake.reset();
  });

  /** Creates the agent and a session, connects a caller and waits for the agent to join. */
  async function call(agentOver: Record<string, unknown>): Promise<Call> {
    const agent = await platform.request('POST', '/v2/chat/agents', bakeryAgent(agentOver));
    assert.equal(agent.status, 201, JSON.stringify(agent.body));
    const session = await platform.request('POST', '/v1/voice/sessions', { agentId: agent.body.id });
    assert.equal(session.status, 201, JSON.stringify(session.body));
    const caller = new Caller();
    const connectedAt = Date.now();
    try {
      await caller.connect(session.body.serverUrl, session.body.token);
      // On a busy 2-core machine the agent's job process can take a while to start.
      await pollSession(platform, session.body.id, (s) => s.status === 'active', 60_000);
    } catch (err) {
      await caller.hangUp();
      throw err;
    }
    return { caller, sessionId: session.body.id as string, connectedAt };
  }

  /** What the fakes served since the test began, for failure messages. */
  function served(): string {
    const brief = (rs: readonly FakeRequestRecord[]) =>
      rs.map((r) => [r.kind, r.path, r.status, r.fault, r.cancelled && 'cancelled', r.text].filter(Boolean));
    const all = {
      deepgram: brief(deepgram.requests),
      elevenlabs: elevenlabs.requests.map((r) => [
        ...brief([r]).flat(),
        ...(r.contexts ?? []).map((c) => [c.text, c.audioBytes, c.final && 'final', c.closedBy]),
      ]),
      cartesia: brief(cartesia.requests),
      anthropic: brief(anthropic.requests),
      google: brief(google.requests),
      googleLive: google.live.map((c) => [c.closeCode, c.turns.map((x) => [x.trigger, x.text, x.status])]),
      openai: brief(openai.requests),
    };
    return JSON.stringify(Object.fromEntries(Object.entries(all).filter(([, v]) => v.length > 0)));
  }

  /** {@link waitUntil} whose failure says what the agent said and what the providers served. */
  async function until<T>(c: Call, check: () => T | undefined | false, timeoutMs: number, what: string) {
    try {
      return await waitUntil(check, timeoutMs, what);
    } catch {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what} (agent said so far: ` +
          `${JSON.stringify(c.caller.texts('agent'))}; the providers served: ${served()})`,
      );
    }
  }

  let heardCount = 0;
  /**
   * What pocketsphinx hears in the agent audio received since `from`. Debugging aid:
   * E2E_AUDIO_DIR=/path keeps that audio as WAV, with the call's timeline as JSON.
   */
  async function hear(c: Call, from: number, phrase: string): Promise<string> {
    const pcm = c.caller.agentAudio(from);
    const heard = await transcribe(pcm, 48_000, [phrase]);
    const dir = process.env.E2E_AUDIO_DIR;
    if (dir) {
      mkdirSync(dir, { recursive: true });
      const name = join(dir, `${String(++heardCount).padStart(2, '0')}-${norm(heard).replace(/ /g, '_')}`);
      writeFileSync(`${name}.wav`, encodeWav({ samples: pcm, sampleRate: 48_000, channels: 1 }));
      const loud = c.caller.agentFrames.filter((f) => f.at >= from && f.peak > 300).map((f) => f.at - from);
      writeFileSync(
        `${name}.json`,
        JSON.stringify({
          from,
          loud,
          segments: [...c.caller.segments.values()].map((x) => ({
            ...x,
            receivedAt: x.receivedAt - from,
            doneAt: (x.doneAt ?? 0) - from,
          })),
          states: c.caller.agentStates.map((x) => ({ ...x, at: x.at - from })),
        }),
      );
    }
    return heard;
  }

  /** Waits for the greeting as text and as audio, and checks with pocketsphinx that the audio says it. */
  async function greeting(c: Call, text: string) {
    const { caller } = c;
    await until(
      c,
      () => caller.texts('agent').some((t) => norm(t) === norm(text)),
      30_000,
      `the greeting "${text}"`,
    );
    await until(c, () => caller.firstAgentAudioAfter(c.connectedAt), 10_000, 'greeting audio');
    await until(
      c,
      () => caller.agentFrames.length > 0 && !caller.agentSpeaking(600),
      15_000,
      'the greeting to finish',
    );
    const heard = await hear(c, c.connectedAt, text);
    assert.equal(norm(heard), norm(text), 'pocketsphinx hears the greeting in the agent audio');
  }

  /**
   * Says `say`, waits for the agent's `reply` as `lk.transcription` text, then as audio, and checks
   * with pocketsphinx that the audio says the reply.
   */
  async function turn(c: Call, say: string, reply: string) {
    const { caller } = c;
    const before = caller.texts('agent').length;
    const endOfSpeech = await caller.say(await speech(say));
    await until(
      c,
      () =>
        caller
          .texts('agent')
          .slice(before)
          .find((t) => norm(t) === norm(reply)),
      20_000,
      `the reply "${reply}" to "${say}"`,
    );
    const firstAudio = await until(c, () => caller.firstAgentAudioAfter(endOfSpeech), 10_000, 'reply audio');
    assert.ok(
      firstAudio - endOfSpeech < 15_000,
      `reply audio came ${firstAudio - endOfSpeech} ms after speech`,
    );
    await until(c, () => !caller.agentSpeaking(600), 15_000, `the reply "${reply}" to finish`);
    const heard = await hear(c, endOfSpeech, reply);
    assert.equal(norm(heard), norm(reply), `pocketsphinx hears the reply to "${say}" in the agent audio`);
  }

  /** The session once the caller has hung up: ended by the hang-up. */
  async function ended(t: TestContext, sessionId: string) {
    const detail = await pollSession(
      platform,
      sessionId,
      (s) => ['ended', 'failed'].includes(s.status),
      20_000,
    );
    for (const m of detail.metrics.turns as TurnMetrics[]) {
      t.diagnostic(
        `${m.mode} turn: final transcript ${m.endOfSpeechToFinalTranscript} ms, LLM first token ` +
          `${m.llmTimeToFirstToken} ms, TTS first byte ${m.ttsTimeToFirstByte} ms, voice to voice ${m.voiceToVoice} ms`,
      );
    }
    assert.equal(detail.status, 'ended', JSON.stringify(detail));
    assert.equal(detail.endReason, 'caller_hangup');
    return detail;
  }

  const lines = (transcript: TranscriptEntry[]) => transcript.map((t) => `${t.role}:${norm(t.text)}`);
  const providerErrors = (events: SessionEvent[]) => events.filter((e) => e.type === 'provider_error');

  /** A pipeline call's session: transcript in order, one metrics row per turn, no provider errors. */
  function checkPipelineSession(detail: any, turns: { say: string; reply: string }[]) {
    assert.deepEqual(lines(detail.transcript), [
      `agent:${norm(bakery.welcome)}`,
      ...turns.flatMap((t) => [`user:${norm(t.say)}`, `agent:${norm(t.reply)}`]),
    ]);
    assert.deepEqual(providerErrors(detail.events), [], 'no provider errors');
    assert.deepEqual(
      detail.mode.map((m: ModeEntry) => m.mode),
      ['pipeline'],
    );
    const metrics = detail.metrics.turns as TurnMetrics[];
    assert.equal(metrics.length, turns.length, JSON.stringify(metrics));
    for (const m of metrics) {
      assert.equal(m.mode, 'pipeline');
      assert.ok(m.voiceToVoice! > 0 && m.voiceToVoice! < 15_000, `voiceToVoice ${m.voiceToVoice}`);
      assert.ok(m.llmTimeToFirstToken! >= 0, `llm ttft ${m.llmTimeToFirstToken}`);
      assert.ok(m.ttsTimeToFirstByte! > 0, `tts ttfb ${m.ttsTimeToFirstByte}`);
    }
  }

  /** A pipeline call: greeting, the pipeline turns, hang-up, then the session checked. */
  async function pipelineCall(t: TestContext, agentOver: Record<string, unknown>) {
    const c = await call(agentOver);
    try {
      await greeting(c, bakery.welcome);
      for (const line of PIPELINE_TURNS) await turn(c, line.say, line.reply);
    } finally {
      await c.caller.hangUp();
    }
    checkPipelineSession(await ended(t, c.sessionId), PIPELINE_TURNS);
  }

  test('Deepgram nova-3 STT + Anthropic Claude + ElevenLabs TTS', async (t) => {
    await pipelineCall(t, cloudPipelineAgents['deepgram+anthropic+elevenlabs']);

    // Every stage really ran on its provider.
    const listens = deepgram.requests.filter((r) => r.route === 'listen' && r.status === 101);
    assert.ok(listens.length >= 1, 'a Deepgram listen socket');
    assert.ok(listens.every((r) => r.model === 'nova-3'));
    const messages = anthropic.requests.filter((r) => r.path === '/v1/messages' && r.status === 200);
    assert.deepEqual(
      messages.map((r) => norm(r.text ?? '')),
      PIPELINE_TURNS.map((t) => norm(t.reply)),
    );
    // The second request carries the conversation so far.
    assert.ok(messages[1]!.messages!.length >= 3, JSON.stringify(messages[1]!.messages));
    const contexts = elevenlabs.requests.flatMap((r) => r.contexts ?? []).map((c) => norm(c.text));
    assert.ok(
      [bakery.welcome, ...PIPELINE_TURNS.map((t) => t.reply)].every((s) => contexts.includes(norm(s))),
      `ElevenLabs spoke ${JSON.stringify(contexts)}`,
    );
  });

  test('OpenAI whisper-1 STT + Google Gemini + Cartesia TTS', async (t) => {
    await pipelineCall(t, cloudPipelineAgents['whisper+gemini+cartesia']);

    const transcriptions = openai.requests.filter((r) => r.route === 'transcription' && r.status === 200);
    assert.ok(transcriptions.length >= PIPELINE_TURNS.length, `${transcriptions.length} transcriptions`);
    assert.ok(transcriptions.every((r) => r.model === 'whisper-1'));
    assert.deepEqual(
      google.generated.map((g) => g.model),
      PIPELINE_TURNS.map(() => 'gemini-3.5-flash'),
    );
    const spoken = cartesia.requests.filter((r) => r.contextId !== undefined);
    assert.ok(spoken.length >= 3, `${spoken.length} Cartesia contexts`);
    assert.ok(spoken.every((r) => r.body?.model_id === 'sonic-3'));
  });

  test('local pocketsphinx + an OpenAI-compatible LLM + Deepgram Aura TTS', async (t) => {
    await pipelineCall(t, cloudPipelineAgents['pocketsphinx+compatible+aura']);

    const chats = openai.requests.filter((r) => r.route === 'chat' && r.status === 200);
    assert.deepEqual(
      chats.map((r) => [r.model, norm(r.text ?? '')]),
      PIPELINE_TURNS.map((t) => ['llama3.1:8b', norm(t.reply)]),
    );
    const speaks = deepgram.requests.filter((r) => r.route === 'speak' && r.status === 101);
    assert.ok(speaks.length >= 1, 'a Deepgram speak socket');
    assert.ok(speaks.every((r) => r.model === 'aura-2-thalia-en'));
  });

  test('OpenAI end to end: gpt-4o-transcribe STT + GPT-4o mini + gpt-4o-mini-tts', async (t) => {
    await pipelineCall(t, cloudPipelineAgents['openai']);

    const ok = (route: string) => openai.requests.filter((r) => r.route === route && r.status === 200);
    assert.ok(ok('transcription').length >= PIPELINE_TURNS.length, 'one transcription per turn at least');
    assert.ok(ok('transcription').every((r) => r.model === 'gpt-4o-transcribe'));
    assert.deepEqual(
      ok('chat').map((r) => [r.model, norm(r.text ?? '')]),
      PIPELINE_TURNS.map((t) => ['gpt-4o-mini', norm(t.reply)]),
    );
    assert.ok(ok('speech').length >= 3, `${ok('speech').length} speech requests`);
    assert.ok(ok('speech').every((r) => r.model === 'gpt-4o-mini-tts'));
  });

  test('sts on Gemini Live: the greeting and the reply come from the realtime model', async (t) => {
    const c = await call({
      voicePipelineMode: 'sts',
      stsModelId: GEMINI_LIVE,
      stsModelParams: { voice: 'Kore' },
      voiceParams: { welcomeMode: 'aiInitiatesStatic', welcomeText: STS_WELCOME },
    });
    const turn0 = bakery.turns[0]!;
    try {
      await greeting(c, STS_WELCOME);
      await turn(c, turn0.say, turn0.reply);
    } finally {
      await c.caller.hangUp();
    }
    const detail = await ended(t, c.sessionId);

    const connections = JSON.stringify(
      google.live.map((l) => ({
        closed: [l.closedBy, l.closeCode, l.closeReason],
        turns: l.turns.map((x) => [x.trigger, x.text, x.status]),
        received: l.received.filter((r) => r.detail !== 'audio').map((r) => [r.type, r.detail, r.at]),
      })),
    );
    // The plugin may reopen its connection once while the session starts (it restarts the Live
    // session when the agent's instructions or tools reach it after its first setup); one
    // connection serves the whole call, and any other was closed by the client, normally.
    const serving = google.live.filter((l) => l.turns.length > 0);
    assert.equal(serving.length, 1, `one Live connection serves the call: ${connections}`);
    assert.ok(
      google.live.every((l) => l === serving[0] || (l.closedBy === 'client' && l.closeCode === 1000)),
      `the others were closed normally by the client: ${connections}`,
    );
    assert.ok(google.live.length <= 2, `at most one reconnect at start: ${connections}`);
    const live = serving[0]!;
    assert.equal(live.setup?.model, 'models/gemini-3.1-flash-live-preview');
    assert.equal(
      live.setup?.generationConfig?.speechConfig?.voiceConfig?.prebuiltVoiceConfig?.voiceName,
      'Kore',
    );
    assert.deepEqual(
      live.turns.map((t) => [t.trigger, norm(t.text), t.status]),
      [
        ['clientContent', norm(STS_WELCOME), 'completed'],
        ['speech', norm(turn0.reply), 'completed'],
      ],
    );
    assert.deepEqual(lines(detail.transcript), [
      `agent:${norm(STS_WELCOME)}`,
      `user:${norm(turn0.say)}`,
      `agent:${norm(turn0.reply)}`,
    ]);
    assert.deepEqual(providerErrors(detail.events), [], 'no provider errors');
    assert.deepEqual(
      detail.mode.map((m: ModeEntry) => m.mode),
      ['sts'],
    );
    const metrics = detail.metrics.turns as TurnMetrics[];
    assert.equal(metrics.length, 1, JSON.stringify(metrics));
    assert.equal(metrics[0]!.mode, 'sts');
    assert.ok(metrics[0]!.voiceToVoice! > 0, `voiceToVoice ${metrics[0]!.voiceToVoice}`);
  });

  test('hybrid on Gemini Live: a Live connection that fails switches the call to the pipeline', async (t) => {
    // Every attempt the plugin makes (the first and its three retries) is closed by the fake with
    // 1011, as the Live API reports an internal error.
    google.failNext(500, 4);
    // The bakery agent names a TTS voice, so hybrid runs half-cascade and flite greets.
    const c = await call({
      voicePipelineMode: 'hybrid',
      stsModelId: GEMINI_LIVE,
      stsModelParams: { voice: 'Kore' },
    });
    const turn0 = bakery.turns[0]!;
    try {
      await greeting(c, bakery.welcome);
      await pollSession(platform, c.sessionId, (s) => s.mode?.length >= 2, 30_000);
      await turn(c, turn0.say, turn0.reply);
    } finally {
      await c.caller.hangUp();
    }
    const detail = await ended(t, c.sessionId);
    assert.deepEqual(
      detail.mode.map((m: ModeEntry) => m.mode),
      ['sts', 'pipeline'],
    );
    assert.match(detail.mode[0].reason, /^start/);
    assert.match(detail.mode[1].reason, /^sts_error/);
    assert.ok(google.live.length >= 1, 'the call tried Gemini Live');
    assert.ok(
      google.live.every((c) => c.closedBy === 'server' && c.closeCode === 1011),
      JSON.stringify(google.live.map((c) => [c.closedBy, c.closeCode])),
    );
    // The only provider errors are the Live connection's.
    const errors = providerErrors(detail.events);
    assert.ok(errors.length >= 1, JSON.stringify(detail.events));
    assert.ok(
      errors.every((e) => e.capability === 'STS'),
      JSON.stringify(errors),
    );
    assert.deepEqual(lines(detail.transcript), [
      `agent:${norm(bakery.welcome)}`,
      `user:${norm(turn0.say)}`,
      `agent:${norm(turn0.reply)}`,
    ]);
    const metrics = detail.metrics.turns as TurnMetrics[];
    assert.deepEqual(
      metrics.map((m) => m.mode),
      ['hybrid-pipeline'],
    );
  });
});
