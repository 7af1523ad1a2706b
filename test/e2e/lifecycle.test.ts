import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bakery, bakeryAgent } from '../fixtures/bakery-agent.ts';
import { Caller, releaseCallerRuntime, speech, waitUntil } from '../helpers/caller.ts';
import { pollSession, startPlatform, type Platform } from '../helpers/platform.ts';
import { spawnParley, type Proc } from '../helpers/process.ts';

after(releaseCallerRuntime);

async function call(platform: Platform, agentOver: Record<string, unknown>) {
  const agent = await platform.request('POST', '/v2/chat/agents', bakeryAgent(agentOver));
  assert.equal(agent.status, 201, JSON.stringify(agent.body));
  const session = await platform.request('POST', '/v1/voice/sessions', { agentId: agent.body.id });
  assert.equal(session.status, 201, JSON.stringify(session.body));
  const caller = new Caller();
  const disconnected = new Promise<number>((resolve) =>
    caller.room.once('disconnected', () => resolve(Date.now())),
  );
  await caller.connect(session.body.serverUrl, session.body.token);
  return { caller, sessionId: session.body.id as string, disconnected };
}

describe('session lifecycle', { timeout: 240_000 }, () => {
  let platform: Platform;
  before(async () => {
    platform = await startPlatform();
  });
  after(async () => {
    await platform?.stop();
  });

  test('idleTimeoutInSeconds ends a silent call', async () => {
    const { caller, sessionId, disconnected } = await call(platform, {
      voiceParams: { welcomeMode: 'aiInitiatesStatic', welcomeText: bakery.welcome, idleTimeoutInSeconds: 5 },
    });
    try {
      await waitUntil(() => caller.texts('agent').length > 0, 90_000, 'the greeting');
      const s = await pollSession(platform, sessionId, (x) => x.status === 'ended', 60_000);
      assert.equal(s.endReason, 'idle_timeout');
      await disconnected;
      assert.equal(s.transcript[0].text, bakery.welcome);
    } finally {
      await caller.hangUp();
    }
  });

  test('POST /end ends a live call and disconnects the caller', async () => {
    const { caller, sessionId, disconnected } = await call(platform, {});
    try {
      await waitUntil(() => caller.texts('agent').length > 0, 90_000, 'the greeting');
      const ended = await platform.request('POST', `/v1/voice/sessions/${sessionId}/end`);
      assert.equal(ended.status, 200);
      assert.equal(ended.body.status, 'ended');
      assert.equal(ended.body.endReason, 'api');
      const at = await Promise.race([
        disconnected,
        new Promise<number>((r) => setTimeout(() => r(-1), 10_000)),
      ]);
      assert.notEqual(at, -1, 'the caller was disconnected');
      const s = await pollSession(platform, sessionId, (x) => x.status === 'ended', 5_000);
      assert.equal(s.endReason, 'api');
    } finally {
      await caller.hangUp();
    }
  });

  test('maxDurationInSeconds ends the call', async () => {
    const { caller, sessionId, disconnected } = await call(platform, {
      voiceParams: { welcomeMode: 'userInitiatesWait', maxDurationInSeconds: 10, idleTimeoutInSeconds: 60 },
    });
    try {
      const s = await pollSession(platform, sessionId, (x) => x.status === 'ended', 90_000);
      assert.equal(s.endReason, 'max_duration');
      // Counted from when the agent took the call.
      const lasted = new Date(s.endedAt).getTime() - new Date(s.startedAt).getTime();
      assert.ok(lasted >= 9_500 && lasted < 20_000, `the call lasted ${lasted} ms`);
      await disconnected;
    } finally {
      await caller.hangUp();
    }
  });
});

describe('a worker that dies mid-call', { timeout: 240_000 }, () => {
  let platform: Platform;
  let worker: Proc;
  before(async () => {
    platform = await startPlatform({ START_WORKER: 'false' });
    const mediaUrl = platform.proc.stdout().match(/Media\s+(ws:\/\/\S+)/)![1]!;
    worker = spawnParley(['worker'], {
      PARLEY_DATA_DIR: platform.dataDir,
      MEDIA_PORT: mediaUrl.split(':').at(-1)!,
    });
    await worker.waitFor(/registered/, 60_000, 'the worker to register');
  });
  after(async () => {
    await worker?.stop(1000);
    await platform?.stop();
  });

  test('fails the session within 30 s and keeps the transcript so far', async () => {
    const { caller, sessionId } = await call(platform, {});
    try {
      await waitUntil(() => caller.texts('agent').length > 0, 90_000, 'the greeting');
      await caller.say(await speech(bakery.turns[0]!.say));
      await waitUntil(() => caller.texts('agent').length > 1, 20_000, 'the first reply');
      await pollSession(platform, sessionId, (x) => x.transcript.length >= 3, 10_000);
      const killedAt = Date.now();
      process.kill(-worker.child.pid!, 'SIGKILL');
      const s = await pollSession(platform, sessionId, (x) => x.status === 'failed', 35_000);
      assert.ok(Date.now() - killedAt <= 30_000, `failed after ${Date.now() - killedAt} ms`);
      assert.equal(s.endReason, 'error');
      assert.deepEqual(
        s.transcript.slice(0, 3).map((t: { role: string }) => t.role),
        ['agent', 'user', 'agent'],
      );
      assert.equal(s.transcript[2].text, bakery.turns[0]!.reply);
    } finally {
      await caller.hangUp();
    }
  });
});
