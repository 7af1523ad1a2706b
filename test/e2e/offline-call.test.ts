import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Caller, releaseCallerRuntime, speech, waitUntil } from '../helpers/caller.ts';
import { pollSession, startPlatform, type Platform } from '../helpers/platform.ts';
import { bakery, bakeryAgent } from '../fixtures/bakery-agent.ts';
import { transcribe } from '../helpers/transcribe.ts';
import { norm } from '../helpers/text.ts';
import { commandLine, processTree, threadNiceValues } from '../helpers/proc-tree.ts';
import { canRaisePriority } from '../../src/runtime/cpu-priority.ts';
import { STARTUP_NICE } from '../../src/worker/job-priority.ts';

/** The platform's agent job processes: their command lines and their threads' nice values. */
function jobProcesses(platform: Platform) {
  return processTree(platform.proc.child.pid!).flatMap((pid) => {
    const cmd = commandLine(pid);
    return cmd?.some((a) => a.includes('job_proc_lazy_main'))
      ? [{ pid, cmd, nice: threadNiceValues(pid) }]
      : [];
  });
}

after(releaseCallerRuntime);

describe('an offline call through the whole platform', { timeout: 240_000 }, () => {
  let platform: Platform;
  before(async () => {
    platform = await startPlatform();
  });
  after(async () => {
    await platform?.stop();
  });

  test('greeting, three intents, transcript and metrics, caller hang-up', async () => {
    const agent = await platform.request('POST', '/v2/chat/agents', bakeryAgent());
    assert.equal(agent.status, 201, JSON.stringify(agent.body));
    const session = await platform.request('POST', '/v1/voice/sessions', { agentId: agent.body.id });
    assert.equal(session.status, 201, JSON.stringify(session.body));

    const caller = new Caller();
    const connectedAt = Date.now();
    await caller.connect(session.body.serverUrl, session.body.token);
    try {
      // The greeting arrives as text and as audio that says the same thing.
      await waitUntil(
        () => caller.texts('agent').some((t) => norm(t) === norm(bakery.welcome)),
        60_000,
        'the greeting transcript',
      );
      await waitUntil(() => caller.firstAgentAudioAfter(connectedAt), 10_000, 'greeting audio');
      await waitUntil(
        () => !caller.agentSpeaking(600) && caller.agentFrames.length > 0,
        15_000,
        'the greeting to finish',
      );
      const greetingAudio = caller.agentAudio(connectedAt);
      const heard = await transcribe(greetingAudio, 48_000, [bakery.welcome]);
      assert.equal(norm(heard), norm(bakery.welcome), 'pocketsphinx hears the greeting');

      const active = await platform.request('GET', `/v1/voice/sessions/${session.body.id}`);
      assert.equal(active.body.status, 'active');

      // Job processes run the prebuilt job bundle without the TypeScript loader; the one holding
      // this call runs at the worker's priority, the idle ones (kept warm) at a low one.
      const jobs = jobProcesses(platform);
      assert.ok(jobs.length >= 2, `job processes: ${JSON.stringify(jobs)}`);
      for (const { cmd } of jobs) {
        assert.ok(!cmd.some((a) => /tsx/.test(a)), `a job process loads tsx: ${cmd.join(' ')}`);
        assert.ok(
          cmd.some((a) => /parley-bundles\/job-preload-/.test(a)),
          cmd.join(' '),
        );
      }
      // (Where this user may not raise a process's priority again, none is lowered.)
      const idleNice = canRaisePriority() ? STARTUP_NICE : 0;
      const niceByProcess = () => jobProcesses(platform).map((j) => [...new Set(j.nice)].join(','));
      // A process forked a moment ago has not run its preload yet: wait for it.
      await waitUntil(
        () => {
          const nice = niceByProcess();
          const inCall = nice.filter((n) => n === '0').length;
          return idleNice === 0
            ? nice.every((n) => n === '0')
            : inCall === 1 && nice.every((n) => n === '0' || n === `${idleNice}`);
        },
        20_000,
        `one job process at nice 0 and the idle ones at ${idleNice}`,
      ).catch((err: Error) => {
        throw new Error(
          `${err.message}; job processes' thread nice values: ${JSON.stringify(niceByProcess())}`,
        );
      });

      for (const turn of bakery.turns) {
        const before = caller.texts('agent').length;
        const endOfSpeech = await caller.say(await speech(turn.say));
        const reply = await waitUntil(
          () =>
            caller
              .texts('agent')
              .slice(before)
              .find((t) => norm(t) === norm(turn.reply)),
          20_000,
          `the reply to "${turn.say}" (agent said so far: ${JSON.stringify(caller.texts('agent'))})`,
        );
        assert.equal(norm(reply), norm(turn.reply));
        const firstAudio = await waitUntil(
          () => caller.firstAgentAudioAfter(endOfSpeech),
          10_000,
          'reply audio',
        );
        assert.ok(
          firstAudio - endOfSpeech < 20_000,
          `reply audio came ${firstAudio - endOfSpeech} ms after speech`,
        );
        await waitUntil(() => !caller.agentSpeaking(600), 15_000, 'the reply to finish');
      }
      // The caller's own words come back as user transcriptions too.
      assert.ok(
        caller.texts('user').some((t) => norm(t).includes('open tomorrow')),
        JSON.stringify(caller.texts('user')),
      );
    } finally {
      await caller.hangUp();
    }

    const detail = await pollSession(platform, session.body.id, (s) => s.status === 'ended', 20_000);
    assert.equal(detail.endReason, 'caller_hangup');
    assert.equal(detail.platform, 'WEB');
    const texts = detail.transcript.map((t: { role: string; text: string }) => `${t.role}:${norm(t.text)}`);
    assert.deepEqual(texts, [
      `agent:${norm(bakery.welcome)}`,
      ...bakery.turns.flatMap((t) => [`user:${norm(t.say)}`, `agent:${norm(t.reply)}`]),
    ]);
    assert.equal(detail.metrics.turns.length, 3);
    for (const t of detail.metrics.turns) {
      assert.ok(t.voiceToVoice > 0 && t.voiceToVoice < 20_000, `voiceToVoice ${t.voiceToVoice}`);
      assert.ok(t.llmTimeToFirstToken >= 0, 'llm ttft');
      assert.ok(t.ttsTimeToFirstByte > 0, 'tts ttfb');
    }
    assert.ok(detail.metrics.summary.voiceToVoice.p50 > 0);
    assert.deepEqual(
      detail.mode.map((m: { mode: string }) => m.mode),
      ['pipeline'],
    );
  });
});
