/**
 * `sts` and `hybrid` calls through the whole platform, with OpenAI Realtime replaced by the local
 * fake (test/fakes/openai-realtime.ts): the org's OpenAI credentials point the real
 * `openai.realtime.RealtimeModel` at it. One platform and one fake serve the whole file.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { bakery, bakeryAgent } from '../fixtures/bakery-agent.ts';
import { startFakeRealtime, type FakeRealtimeServer } from '../fakes/openai-realtime.ts';
import { Caller, closeSpeech, speech, waitUntil } from '../helpers/caller.ts';
import { models } from '../helpers/fixtures.ts';
import { pollSession, startPlatform, type Platform } from '../helpers/platform.ts';

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
const REALTIME_REPLY = /^realtime reply number \d+$/;
const STS_WELCOME = 'Hello, this is the bakery on the realtime line.';

interface ModeEntry {
  mode: string;
  at: string;
  reason: string;
}

describe('sts and hybrid calls against a fake OpenAI Realtime server', { timeout: 200_000 }, () => {
  let platform: Platform;
  let fake: FakeRealtimeServer;

  before(async () => {
    fake = await startFakeRealtime();
    platform = await startPlatform();
    const creds = await platform.request('PUT', '/v1/voice/providers/openai', {
      apiKey: 'sk-fake',
      baseUrl: fake.baseUrl,
    });
    assert.equal(creds.status, 200, JSON.stringify(creds.body));
  });
  after(async () => {
    if (process.env.E2E_DUMP) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(
        process.env.E2E_DUMP,
        `${platform?.proc.stdout()}\n----STDERR----\n${platform?.proc.stderr()}`,
      );
    }
    console.log('AFTER start', Date.now());
    await closeSpeech();
    await platform?.stop();
    console.log('AFTER platform stopped', Date.now());
    await fake?.close();
    console.log('AFTER fake closed', Date.now());
  });
  beforeEach(() => fake.reset());

  /** Creates the agent and a session, and connects a caller. */
  async function call(agentOver: Record<string, unknown>) {
    const agent = await platform.request('POST', '/v2/chat/agents', bakeryAgent(agentOver));
    assert.equal(agent.status, 201, JSON.stringify(agent.body));
    const session = await platform.request('POST', '/v1/voice/sessions', { agentId: agent.body.id });
    assert.equal(session.status, 201, JSON.stringify(session.body));
    const caller = new Caller();
    const connectedAt = Date.now();
    await caller.connect(session.body.serverUrl, session.body.token);
    return { caller, sessionId: session.body.id as string, connectedAt };
  }

  const said = (caller: Caller) => JSON.stringify(caller.texts('agent'));

  /** Says `text` and waits for an agent transcript matching `reply`, its audio, and its end. */
  async function turn(caller: Caller, text: string, reply: RegExp, timeoutMs = 20_000) {
    const before = caller.texts('agent').length;
    const endOfSpeech = await caller.say(await speech(text));
    const heard = await waitUntil(
      () =>
        caller
          .texts('agent')
          .slice(before)
          .find((t) => reply.test(norm(t))),
      timeoutMs,
      `a reply matching ${reply} to "${text}" (agent said so far: ${said(caller)})`,
    );
    const firstAudio = await waitUntil(() => caller.firstAgentAudioAfter(endOfSpeech), 10_000, 'reply audio');
    await waitUntil(() => !caller.agentSpeaking(600), 15_000, 'the reply to finish');
    return { heard, endOfSpeech, firstAudio };
  }

  test('sts: greeting and replies come from the realtime model', async () => {
    const appendsBefore = fake.received.length;
    const { caller, sessionId, connectedAt } = await call({
      voicePipelineMode: 'sts',
      stsModelId: models.openaiSts,
      stsModelParams: { voice: 'marin' },
      voiceParams: { welcomeMode: 'aiInitiatesStatic', welcomeText: STS_WELCOME },
    });
    try {
      await waitUntil(
        () => caller.texts('agent').some((t) => norm(t) === norm(STS_WELCOME)),
        20_000,
        `the realtime greeting transcript (agent said so far: ${said(caller)})`,
      );
      await waitUntil(() => caller.firstAgentAudioAfter(connectedAt), 10_000, 'greeting audio');
      await waitUntil(() => !caller.agentSpeaking(600), 15_000, 'the greeting to finish');
      assert.ok(
        caller.agentFrames.filter((f) => f.at >= connectedAt && f.peak > 1000).length > 50,
        'the greeting is at least half a second of loud audio',
      );

      const { firstAudio, endOfSpeech } = await turn(caller, bakery.turns[0]!.say, REALTIME_REPLY);
      assert.ok(
        firstAudio - endOfSpeech < 5000,
        `reply audio came ${firstAudio - endOfSpeech} ms after speech`,
      );
    } finally {
      await caller.hangUp();
    }

    // What the fake saw from the plugin.
    const update = fake.sessionUpdates.find((u) => u.audio?.output?.voice);
    assert.ok(update, 'a full session.update');
    assert.deepEqual(update.output_modalities, ['audio']);
    assert.equal(update.audio.output.voice, 'marin');
    assert.match(fake.handshakes.at(-1)!.url, /^\/v1\/realtime\?model=gpt-realtime$/);
    assert.equal(fake.handshakes.at(-1)!.authorization, 'Bearer sk-fake');
    const types = fake.types(appendsBefore);
    assert.ok(
      types.filter((t) => t === 'input_audio_buffer.append').length > 20,
      'caller audio was streamed',
    );
    assert.ok(types.includes('response.create'), 'the greeting was requested with response.create');
    const done = fake.responses.filter((r) => r.status === 'completed');
    assert.deepEqual(
      done.map((r) => r.trigger),
      ['response.create', 'vad'],
    );
    assert.equal(done[0]!.text, STS_WELCOME);

    const detail = await pollSession(platform, sessionId, (s) => s.status === 'ended', 20_000);
    const transcript = detail.transcript.map(
      (t: { role: string; text: string }) => `${t.role}:${norm(t.text)}`,
    );
    assert.deepEqual(transcript, [
      `agent:${norm(STS_WELCOME)}`,
      `user:${norm(fake.transcript(done[1]!.turn))}`,
      `agent:${norm(done[1]!.text)}`,
    ]);
    assert.deepEqual(
      detail.mode.map((m: ModeEntry) => m.mode),
      ['sts'],
    );
  });

  test('hybrid: an STS failure switches the call to the pipeline', async () => {
    fake.failNextResponse('server_error');
    // The bakery agent names a TTS voice, so hybrid runs half-cascade: STS reasons in text, flite speaks.
    const { caller, sessionId } = await call({
      voicePipelineMode: 'hybrid',
      stsModelId: models.openaiSts,
      stsModelParams: { voice: 'marin' },
    });
    try {
      await waitUntil(
        () => caller.texts('agent').some((t) => norm(t) === norm(bakery.welcome)),
        20_000,
        `the greeting (agent said so far: ${said(caller)})`,
      );
      await waitUntil(() => !caller.agentSpeaking(600), 15_000, 'the greeting to finish');
      assert.deepEqual(fake.sessionUpdates.find((u) => u.output_modalities)?.output_modalities, ['text']);

      // This turn reaches the STS model, which fails it.
      await caller.say(await speech(bakery.turns[1]!.say));
      await waitUntil(
        () => fake.responses.some((r) => r.status === 'failed'),
        10_000,
        'the fake to fail a response',
      );
      await pollSession(platform, sessionId, (x) => x.mode?.length >= 2, 10_000);

      const responsesBefore = fake.responses.length;
      const { heard } = await turn(
        caller,
        bakery.turns[0]!.say,
        new RegExp(`^${norm(bakery.turns[0]!.reply)}$`),
      );
      assert.equal(norm(heard), norm(bakery.turns[0]!.reply));
      assert.equal(fake.responses.length, responsesBefore, 'the fake was not asked again');
    } finally {
      await caller.hangUp();
    }
    const detail = await pollSession(platform, sessionId, (s) => s.status === 'ended', 20_000);
    assert.deepEqual(
      detail.mode.map((m: ModeEntry) => m.mode),
      ['sts', 'pipeline'],
    );
    assert.match(detail.mode[0].reason, /^start/);
    assert.match(detail.mode[1].reason, /^sts_error/);
  });

  test('hybrid: slow first audio on two turns switches the call to the pipeline', async () => {
    fake.firstAudioDelayMs = 1500;
    // No TTS voice: hybrid runs full STS audio until it switches.
    const { caller, sessionId } = await call({
      voicePipelineMode: 'hybrid',
      stsModelId: models.openaiSts,
      stsModelParams: { voice: 'marin' },
      ttsModelParams: null,
      voiceParams: { ...bakeryAgent().voiceParams, hybrid: { maxFirstAudioMs: 300 } },
    });
    try {
      await waitUntil(
        () => caller.texts('agent').some((t) => norm(t) === norm(bakery.welcome)),
        20_000,
        `the greeting (agent said so far: ${said(caller)})`,
      );
      await waitUntil(() => !caller.agentSpeaking(600), 15_000, 'the greeting to finish');

      for (let i = 0; i < 2; i++) {
        const { endOfSpeech, firstAudio } = await turn(caller, bakery.turns[1]!.say, REALTIME_REPLY);
        assert.ok(
          firstAudio - endOfSpeech >= 1500,
          `slow turn ${i + 1}: first audio after ${firstAudio - endOfSpeech} ms`,
        );
      }
      await pollSession(platform, sessionId, (x) => x.mode?.length >= 2, 10_000);
      const responsesBefore = fake.responses.length;
      const { heard } = await turn(
        caller,
        bakery.turns[0]!.say,
        new RegExp(`^${norm(bakery.turns[0]!.reply)}$`),
      );
      assert.equal(norm(heard), norm(bakery.turns[0]!.reply));
      assert.equal(fake.responses.length, responsesBefore, 'the third turn did not reach the fake');
    } finally {
      await caller.hangUp();
    }
    const detail = await pollSession(platform, sessionId, (s) => s.status === 'ended', 20_000);
    assert.deepEqual(
      detail.mode.map((m: ModeEntry) => m.mode),
      ['sts', 'pipeline'],
    );
    assert.match(detail.mode[1].reason, /^sts_slow/);
  });
});
