import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bakery, bakeryAgent } from '../fixtures/bakery-agent.ts';
import { Caller, releaseCallerRuntime, speech, waitUntil } from '../helpers/caller.ts';
import { pollSession, startPlatform, type Platform } from '../helpers/platform.ts';
import { norm } from '../helpers/text.ts';

after(releaseCallerRuntime);

const LONG_REPLY =
  'Our menu changes every day. In the morning we bake sourdough, rye and seeded loaves. ' +
  'At noon we have croissants, cinnamon rolls and fruit tarts. ' +
  'In the afternoon there are cakes, cookies and our famous lemon pie. ' +
  'On weekends we also make bagels and pretzels for the market.';

function menuAgent(allowInterruptions: boolean) {
  const agent = bakeryAgent({
    voiceParams: {
      welcomeMode: 'aiInitiatesStatic',
      welcomeText: bakery.welcome,
      allowInterruptions,
      minEndpointingDelay: 0.3,
    },
  });
  const params = agent.llmModelParams as { intents: unknown[] };
  params.intents.push({ name: 'menu', examples: ['what is on the menu today'], reply: LONG_REPLY });
  return agent;
}

describe('barge-in', { timeout: 300_000 }, () => {
  let platform: Platform;
  before(async () => {
    platform = await startPlatform();
  });
  after(async () => {
    await platform?.stop();
  });

  async function talkOver(allowInterruptions: boolean) {
    const agent = await platform.request('POST', '/v2/chat/agents', menuAgent(allowInterruptions));
    const session = await platform.request('POST', '/v1/voice/sessions', { agentId: agent.body.id });
    const caller = new Caller();
    await caller.connect(session.body.serverUrl, session.body.token);
    try {
      await waitUntil(() => caller.texts('agent').length > 0, 60_000, 'the greeting');
      await waitUntil(() => !caller.agentSpeaking(600), 15_000, 'the greeting to finish');
      const askedAt = await caller.say(await speech('what is on the menu today'));
      const replyStarted = await waitUntil(
        () => caller.firstAgentAudioAfter(askedAt),
        20_000,
        'the long reply to start',
      );
      // Let the agent get well into its reply, then talk over it.
      await new Promise((r) => setTimeout(r, 1500));
      const overAt = Date.now();
      await caller.say(await speech(bakery.turns[0]!.say));
      await waitUntil(
        () => !caller.agentSpeaking(800) || Date.now() - overAt > 20_000,
        25_000,
        'the agent to go quiet',
      );
      return { caller, sessionId: session.body.id as string, replyStarted, overAt };
    } catch (err) {
      await caller.hangUp();
      throw err;
    }
  }

  test('the caller interrupts a long reply: the agent stops and answers the new question', async () => {
    const { caller, sessionId, overAt } = await talkOver(true);
    try {
      // The agent stopped talking long before its 15 s reply would have ended.
      const quietBy = Date.now() - overAt;
      assert.ok(quietBy < 6_000, `agent went quiet ${quietBy} ms after the caller spoke`);
      await waitUntil(
        () => caller.texts('agent').some((t) => norm(t) === norm(bakery.turns[0]!.reply)),
        30_000,
        'the answer to the interrupting question',
      );
    } finally {
      await caller.hangUp();
    }
    const s = await pollSession(platform, sessionId, (x) => x.status === 'ended', 20_000);
    const long = s.transcript.find(
      (t: { role: string; text: string }) => t.role === 'agent' && norm(t.text).startsWith('our menu'),
    );
    assert.ok(long, JSON.stringify(s.transcript));
    assert.equal(long.interrupted, true, 'the long reply is marked interrupted');
    assert.ok(norm(long.text).length < norm(LONG_REPLY).length, 'only what was said is kept');
  });

  test('with allowInterruptions false the reply plays to the end', async () => {
    const { caller, sessionId } = await talkOver(false);
    try {
      await waitUntil(() => !caller.agentSpeaking(1500), 40_000, 'the long reply to finish');
    } finally {
      await caller.hangUp();
    }
    const s = await pollSession(platform, sessionId, (x) => x.status === 'ended', 20_000);
    const long = s.transcript.find(
      (t: { role: string; text: string }) => t.role === 'agent' && norm(t.text).startsWith('our menu'),
    );
    assert.ok(long, JSON.stringify(s.transcript));
    assert.equal(long.interrupted, false);
    assert.equal(norm(long.text), norm(LONG_REPLY));
  });
});
