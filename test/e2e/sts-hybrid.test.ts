/**
 * `sts` and `hybrid` calls through the whole platform, with OpenAI Realtime replaced by the local
 * fake (test/fakes/openai-realtime.ts): the org's OpenAI credentials point the real
 * `openai.realtime.RealtimeModel` at it. One platform and one fake serve the whole file; each test's
 * agent carries a unique tag in its name, which reaches the fake in the session instructions, so a
 * test only looks at its own realtime connections.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { after, before, beforeEach, describe, test } from 'node:test';
import { bakery, bakeryAgent } from '../fixtures/bakery-agent.ts';
import { startFakeRealtime, type FakeRealtimeServer, type ResponseRecord } from '../fakes/openai-realtime.ts';
import { Caller, releaseCallerRuntime, speech, waitUntil } from '../helpers/caller.ts';
import { models } from '../helpers/fixtures.ts';
import { pollSession, startPlatform, type Platform } from '../helpers/platform.ts';

after(releaseCallerRuntime);

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
const exactly = (text: string) => new RegExp(`^${norm(text)}$`);
const REALTIME_REPLY = /^realtime reply number \d+$/;
const STS_WELCOME = 'Hello, this is the bakery on the realtime line.';

interface ModeEntry {
  mode: string;
  at: string;
  reason: string;
}

describe('sts and hybrid calls against a fake OpenAI Realtime server', { timeout: 300_000 }, () => {
  let platform: Platform;
  let fake: FakeRealtimeServer;

  before(async () => {
    fake = await startFakeRealtime();
    platform = await startPlatform(process.env.E2E_LOG_LEVEL ? { LOG_LEVEL: process.env.E2E_LOG_LEVEL } : {});
    const creds = await platform.request('PUT', '/v1/voice/providers/openai', {
      apiKey: 'sk-fake',
      baseUrl: fake.baseUrl,
    });
    assert.equal(creds.status, 200, JSON.stringify(creds.body));
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
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  /** Creates a tagged agent and a session, connects a caller and waits for the agent to join. */
  async function call(agentOver: Record<string, unknown>, { waitActive = true } = {}) {
    const tag = `tag${randomUUID().slice(0, 8)}`;
    const agent = await platform.request('POST', '/v2/chat/agents', {
      ...bakeryAgent(agentOver),
      fullName: `Bakery Line ${tag}`,
    });
    assert.equal(agent.status, 201, JSON.stringify(agent.body));
    const session = await platform.request('POST', '/v1/voice/sessions', { agentId: agent.body.id });
    assert.equal(session.status, 201, JSON.stringify(session.body));
    const caller = new Caller();
    const connectedAt = Date.now();
    try {
      await caller.connect(session.body.serverUrl, session.body.token);
      // On a busy 2-core machine the agent's job process can take a while to start.
      if (waitActive) await pollSession(platform, session.body.id, (s) => s.status === 'active', 60_000);
    } catch (err) {
      await caller.hangUp();
      throw err;
    }
    /** This call's realtime connections, responses and received events. */
    const mine = {
      connections: () => fake.connectionsWith(tag),
      responses: (): ResponseRecord[] => {
        const c = fake.connectionsWith(tag);
        return fake.responses.filter((r) => c.includes(r.connection));
      },
      received: () => {
        const c = fake.connectionsWith(tag);
        return fake.received.filter((e) => c.includes(e.connection)).map((e) => e.type);
      },
      session: () => fake.sessions.get(fake.connectionsWith(tag)[0] ?? -1),
    };
    return { caller, sessionId: session.body.id as string, connectedAt, mine };
  }

  const said = (caller: Caller) => JSON.stringify(caller.texts('agent'));
  /** The fake's view, for failure messages. */
  const fakeView = () =>
    JSON.stringify({
      connections: fake.connections,
      handshakes: fake.handshakes.map((h) => h.status),
      responses: fake.responses.map((r) => ({ c: r.connection, t: r.trigger, s: r.status, text: r.text })),
      lastEvents: fake.received
        .filter((e) => e.type !== 'input_audio_buffer.append')
        .slice(-8)
        .map((e) => `${e.connection}:${e.type}`),
    });
  /** {@link waitUntil} with a failure message built when it fails (so it shows the state then). */
  async function within<T>(
    check: () => T | undefined | false,
    timeoutMs: number,
    what: () => string,
  ): Promise<T> {
    try {
      return await waitUntil(check, timeoutMs, 'it');
    } catch {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what()}`);
    }
  }

  async function greeting(caller: Caller, text: string) {
    await within(
      () => caller.texts('agent').some((t) => norm(t) === norm(text)),
      30_000,
      () => `the greeting "${text}" (agent said so far: ${said(caller)}; fake: ${fakeView()})`,
    );
    await waitUntil(
      () => caller.agentFrames.length > 0 && !caller.agentSpeaking(600),
      15_000,
      'the greeting to finish',
    );
  }

  /** Says `text` and waits for an agent transcript matching `reply`, its audio, and its end. */
  async function turn(caller: Caller, text: string, reply: RegExp, timeoutMs = 20_000) {
    const before = caller.texts('agent').length;
    const endOfSpeech = await caller.say(await speech(text));
    const heard = await within(
      () =>
        caller
          .texts('agent')
          .slice(before)
          .find((t) => reply.test(norm(t))),
      timeoutMs,
      () =>
        `a reply matching ${reply} to "${text}" (agent said so far: ${said(caller)}; fake: ${fakeView()})`,
    );
    const firstAudio = await waitUntil(() => caller.firstAgentAudioAfter(endOfSpeech), 10_000, 'reply audio');
    await waitUntil(() => !caller.agentSpeaking(600), 15_000, 'the reply to finish');
    return { heard, endOfSpeech, firstAudio };
  }

  test('sts: the greeting and the replies come from the realtime model', async (t) => {
    const { caller, sessionId, connectedAt, mine } = await call({
      voicePipelineMode: 'sts',
      stsModelId: models.openaiSts,
      stsModelParams: { voice: 'marin' },
      voiceParams: { welcomeMode: 'aiInitiatesStatic', welcomeText: STS_WELCOME },
    });
    try {
      await greeting(caller, STS_WELCOME);
      const loud = caller.agentFrames.filter((f) => f.at >= connectedAt && f.peak > 1000).length;
      assert.ok(loud > 50, `the greeting has ${loud} loud 10 ms frames`);

      const { firstAudio, endOfSpeech } = await turn(caller, bakery.turns[0]!.say, REALTIME_REPLY);
      t.diagnostic(`realtime reply audio ${firstAudio - endOfSpeech} ms after the end of speech`);
      assert.ok(
        firstAudio - endOfSpeech < 5000,
        `reply audio came ${firstAudio - endOfSpeech} ms after speech`,
      );
    } finally {
      await caller.hangUp();
    }

    // What the fake saw from the plugin.
    assert.equal(mine.connections().length, 1, 'one realtime connection for the call');
    const session = mine.session()!;
    assert.deepEqual(session.output_modalities, ['audio']);
    assert.equal(session.audio.output.voice, 'marin');
    assert.ok(session.audio.input.transcription, 'input transcription is on');
    const accepted = fake.handshakes.filter((h) => h.status === 101);
    assert.ok(
      accepted.every(
        (h) => h.url === '/v1/realtime?model=gpt-realtime' && h.authorization === 'Bearer sk-fake',
      ),
    );
    const types = mine.received();
    assert.ok(types.includes('session.update'));
    const appends = types.filter((t) => t === 'input_audio_buffer.append').length;
    assert.ok(appends > 20, `${appends} audio appends`);
    const responses = mine.responses();
    assert.deepEqual(
      responses.map((r) => [r.trigger, r.status]),
      [
        ['response.create', 'completed'],
        ['vad', 'completed'],
      ],
    );
    assert.equal(responses[0]!.text, STS_WELCOME);

    const detail = await pollSession(platform, sessionId, (s) => s.status === 'ended', 20_000);
    const transcript = detail.transcript.map(
      (t: { role: string; text: string }) => `${t.role}:${norm(t.text)}`,
    );
    assert.deepEqual(transcript, [
      `agent:${norm(STS_WELCOME)}`,
      `user:${norm(fake.transcript(responses[1]!.turn))}`,
      `agent:${norm(responses[1]!.text)}`,
    ]);
    assert.deepEqual(
      detail.mode.map((m: ModeEntry) => m.mode),
      ['sts'],
    );
    assert.equal(detail.metrics.turns.length, 1);
    assert.equal(detail.metrics.turns[0].mode, 'sts');
    t.diagnostic(`recorded voiceToVoice ${detail.metrics.turns[0].voiceToVoice} ms`);
    assert.ok(
      detail.metrics.turns[0].voiceToVoice > 0,
      `voiceToVoice ${detail.metrics.turns[0].voiceToVoice}`,
    );
  });

  test('hybrid: a failed STS response switches the call to the pipeline', async (t) => {
    fake.failNextResponse('server_error');
    // The bakery agent names a TTS voice, so hybrid runs half-cascade: STS reasons in text, flite speaks.
    const { caller, sessionId, mine } = await call({
      voicePipelineMode: 'hybrid',
      stsModelId: models.openaiSts,
      stsModelParams: { voice: 'marin' },
    });
    try {
      await greeting(caller, bakery.welcome);
      assert.deepEqual(mine.session()?.output_modalities, ['text']);

      // This turn reaches the STS model, which fails it.
      await caller.say(await speech(bakery.turns[1]!.say));
      await waitUntil(
        () => mine.responses().some((r) => r.status === 'failed'),
        15_000,
        'the fake to fail a response',
      );
      await pollSession(platform, sessionId, (s) => s.mode?.length >= 2, 10_000);
      await waitUntil(() => !caller.agentSpeaking(600), 15_000, 'silence after the switch');

      const responsesBefore = mine.responses().length;
      const { heard } = await turn(caller, bakery.turns[0]!.say, exactly(bakery.turns[0]!.reply));
      assert.equal(norm(heard), norm(bakery.turns[0]!.reply));
      assert.equal(mine.responses().length, responsesBefore, 'the pipeline answered, not the fake');
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
    t.diagnostic(`switch: ${detail.mode[1].reason}`);
    const texts = detail.transcript.map((t: { role: string; text: string }) => `${t.role}:${norm(t.text)}`);
    assert.ok(texts.includes(`agent:${norm(bakery.turns[0]!.reply)}`), JSON.stringify(texts));
  });

  test('hybrid: slow first audio on two turns switches the call to the pipeline', async (t) => {
    fake.firstAudioDelayMs = 1500;
    // No TTS voice: hybrid speaks with the STS model's own audio until it switches.
    const { caller, sessionId, mine } = await call({
      voicePipelineMode: 'hybrid',
      stsModelId: models.openaiSts,
      stsModelParams: { voice: 'marin' },
      ttsModelParams: null,
      voiceParams: { ...bakeryAgent().voiceParams, hybrid: { maxFirstAudioMs: 300 } },
    });
    try {
      await greeting(caller, bakery.welcome);
      assert.deepEqual(mine.session()?.output_modalities, ['audio']);

      for (let i = 1; i <= 2; i++) {
        const { endOfSpeech, firstAudio } = await turn(caller, bakery.turns[1]!.say, REALTIME_REPLY);
        t.diagnostic(`slow turn ${i}: first audio ${firstAudio - endOfSpeech} ms after the end of speech`);
        assert.ok(
          firstAudio - endOfSpeech >= 1500,
          `slow turn ${i}: first audio after ${firstAudio - endOfSpeech} ms`,
        );
      }
      await pollSession(platform, sessionId, (s) => s.mode?.length >= 2, 10_000);

      const responsesBefore = mine.responses().length;
      const { heard } = await turn(caller, bakery.turns[0]!.say, exactly(bakery.turns[0]!.reply));
      assert.equal(norm(heard), norm(bakery.turns[0]!.reply));
      assert.equal(mine.responses().length, responsesBefore, 'the third turn did not reach the fake');
    } finally {
      await caller.hangUp();
    }
    const detail = await pollSession(platform, sessionId, (s) => s.status === 'ended', 20_000);
    assert.deepEqual(
      detail.mode.map((m: ModeEntry) => m.mode),
      ['sts', 'pipeline'],
    );
    assert.match(detail.mode[1].reason, /^sts_slow/);
    t.diagnostic(`switch: ${detail.mode[1].reason}`);
    // The two STS turns were recorded over budget; the third ran on the pipeline.
    const turns = detail.metrics.turns as { mode: string; voiceToVoice: number }[];
    assert.deepEqual(
      turns.map((t) => t.mode),
      ['hybrid-sts', 'hybrid-sts', 'hybrid-pipeline'],
    );
    t.diagnostic(`recorded voiceToVoice: ${turns.map((x) => `${x.mode} ${x.voiceToVoice} ms`).join(', ')}`);
    for (const x of turns.slice(0, 2))
      assert.ok(x.voiceToVoice > 300, `STS turn voiceToVoice ${x.voiceToVoice}`);
  });
  test('hybrid: a rejected realtime connection (HTTP 500) switches the call to the pipeline', async () => {
    fake.rejectConnections(500);
    const { caller, sessionId } = await call(
      { voicePipelineMode: 'hybrid', stsModelId: models.openaiSts, stsModelParams: { voice: 'marin' } },
      { waitActive: false },
    );
    try {
      await waitUntil(() => fake.handshakes.some((h) => h.status === 500), 60_000, 'a rejected handshake');
      const s = await pollSession(
        platform,
        sessionId,
        (x) => x.mode?.length >= 2 || x.status === 'failed',
        15_000,
      );
      assert.equal(s.status, 'active', `the call survives (session is ${s.status}, ended by ${s.endReason})`);
      assert.match(s.mode[1].reason, /^sts_error/);
      await greeting(caller, bakery.welcome);
      await turn(caller, bakery.turns[0]!.say, exactly(bakery.turns[0]!.reply));
    } finally {
      await caller.hangUp();
    }
  });
});
