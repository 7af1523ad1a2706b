/**
 * A provider that fails for good mid-call: the framework retries, then the caller hears the local
 * apology (flite) instead of silence, the call ends, and the session shows what failed. The LLM is
 * OpenAI's, replaced by the local fake (test/fakes/openai-rest.ts) answering HTTP 500.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { APOLOGY_TEXT } from '../../src/worker/apology.ts';
import { bakery, bakeryAgent } from '../fixtures/bakery-agent.ts';
import { startFakeOpenAIRest, type FakeOpenAIRest } from '../fakes/openai-rest.ts';
import { Caller, releaseCallerRuntime, speech, waitUntil } from '../helpers/caller.ts';
import { models } from '../helpers/fixtures.ts';
import { pollSession, startPlatform, type Platform } from '../helpers/platform.ts';
import { norm } from '../helpers/text.ts';
import { transcribe } from '../helpers/transcribe.ts';

after(releaseCallerRuntime);

describe('a provider that fails for good mid-call', { timeout: 240_000 }, () => {
  let platform: Platform;
  let openai: FakeOpenAIRest;

  before(async () => {
    openai = await startFakeOpenAIRest({ apiKey: 'sk-fake' });
    platform = await startPlatform();
    const creds = await platform.request('PUT', '/v1/voice/providers/openai', {
      apiKey: 'sk-fake',
      baseUrl: openai.baseUrl,
    });
    assert.equal(creds.status, 200, JSON.stringify(creds.body));
  });
  after(async () => {
    await platform?.stop();
    await openai?.close();
  });

  test('LLM 500s: retried, then an apology from the local TTS, the call ends, the session says why', async () => {
    const agent = await platform.request(
      'POST',
      '/v2/chat/agents',
      bakeryAgent({ modelId: models.openaiLlm, llmModelParams: null }),
    );
    assert.equal(agent.status, 201, JSON.stringify(agent.body));
    const session = await platform.request('POST', '/v1/voice/sessions', { agentId: agent.body.id });
    assert.equal(session.status, 201, JSON.stringify(session.body));
    const caller = new Caller();
    const disconnected = new Promise<void>((resolve) => caller.room.once('disconnected', () => resolve()));
    await caller.connect(session.body.serverUrl, session.body.token);
    try {
      await waitUntil(
        () => caller.texts('agent').some((t) => norm(t) === norm(bakery.welcome)),
        60_000,
        'the greeting',
      );
      await waitUntil(() => !caller.agentSpeaking(600), 15_000, 'the greeting to finish');
      openai.failNext(500, Infinity);
      const endOfSpeech = await caller.say(await speech(bakery.turns[0]!.say));
      await waitUntil(
        () => caller.texts('agent').some((t) => norm(t) === norm(APOLOGY_TEXT)),
        30_000,
        `the apology (agent said: ${JSON.stringify(caller.texts('agent'))})`,
      );
      await waitUntil(() => caller.firstAgentAudioAfter(endOfSpeech), 10_000, 'apology audio');
      await Promise.race([
        disconnected,
        new Promise((_, reject) => setTimeout(() => reject(new Error('the call was not ended')), 20_000)),
      ]);
      const heard = await transcribe(caller.agentAudio(endOfSpeech), 48_000, [APOLOGY_TEXT]);
      assert.match(norm(heard), /something went wrong/, `pocketsphinx heard "${heard}"`);
    } finally {
      await caller.hangUp();
    }
    const chats = openai.requests.filter((r) => r.route === 'chat');
    assert.ok(chats.length >= 2, `the LLM request was retried (${chats.length} attempts)`);
    const s = await pollSession(platform, session.body.id, (x) => x.status !== 'active', 20_000);
    assert.equal(s.status, 'failed');
    assert.equal(s.endReason, 'error');
    const errors = s.events.filter((e: { type: string }) => e.type === 'provider_error');
    assert.ok(errors.length >= 1, JSON.stringify(s.events));
    assert.equal(errors.at(-1).capability, 'LLM');
    assert.equal(errors.at(-1).recoverable, false);
    assert.match(errors.at(-1).provider, /openai/i);
    // The transcript keeps the conversation and the apology.
    assert.deepEqual(
      s.transcript.map((t: { role: string }) => t.role),
      ['agent', 'user', 'agent'],
    );
    assert.equal(norm(s.transcript[2].text), norm(APOLOGY_TEXT));
  });
});
