/**
 * One speech-to-speech (realtime model) conformance suite, run against every cloud STS model
 * through its fake (test/providers/targets.ts). The model is built through the registry as a call
 * builds it, and its `RealtimeSession` is driven directly (no AgentSession), the way an STS call
 * feeds it: 24 kHz caller audio in, generations out. It covers a spoken turn, an instructed reply
 * (Parley's greeting), latency, refused, unanswered and dropped connections, the caller talking
 * over a reply, and hanging up mid-reply. Every check that an error event's `recoverable` flag
 * makes is held to: recoverable means the session connects again and answers, unrecoverable
 * means it makes no further attempt.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { llm } from '@livekit/agents';
import { AudioFrame, dispose } from '@livekit/rtc-node';
import { resamplePcm16 } from '../../src/audio/resample.ts';
import { FliteSynthesizer } from '../../src/providers/flite/index.ts';
import { bakery } from '../fixtures/bakery-agent.ts';
import type { FakeProviderControl } from '../fakes/control.ts';
import { norm } from '../helpers/text.ts';
import { transcribe } from '../helpers/transcribe.ts';
import { buildTarget, eventually, pcmOf, within, work } from './support.ts';
import { stsTargets } from './targets.ts';

/** What an STS call feeds the model (RoomIO's default input rate). */
const CALLER_RATE = 24_000;
const ASK = bakery.turns[0]!.say; // "what time do you open tomorrow"
const REPLY = bakery.turns[0]!.reply; // "We open at nine in the morning."
/** How Parley's greeting asks a realtime model to speak (`sayThroughRealtime`, src/worker/modes/sts.ts). */
const say = (text: string) => `Say exactly the following sentence, and nothing else: "${text}"`;
const GREETING = say(bakery.welcome);
const LONG_REPLY =
  'We bake bread, cakes and cookies every day of the week, from early in the morning until late at night.';
/** Phrases pocketsphinx listens for when checking what the reply audio says. */
const PHRASES = [REPLY, bakery.welcome, ...bakery.turns.map((t) => t.say)];

// Anything a plugin throws out of a callback or leaves rejected lands here instead of ending the
// run; every test fails if something escaped during it (a call's job process would have died).
const escaped: unknown[] = [];
const onEscape = (err: unknown) => escaped.push(err);
process.on('uncaughtException', onEscape);
process.on('unhandledRejection', onEscape);
// rtc-node's native runtime (the plugins' audio frames and resamplers) keeps the process alive.
after(async () => {
  await dispose();
  process.off('uncaughtException', onEscape);
  process.off('unhandledRejection', onEscape);
});

/** One message of a generation: its text (the model's transcript) and audio. */
interface Heard {
  text: string;
  frames: AudioFrame[];
  firstAudioAt?: number;
}

/** Reads a generation to its end: every message's text and audio. */
async function readGeneration(ev: llm.GenerationCreatedEvent): Promise<Heard[]> {
  const out: Heard[] = [];
  for await (const msg of ev.messageStream as unknown as AsyncIterable<llm.MessageGeneration>) {
    const heard: Heard = { text: '', frames: [] };
    const text = (async () => {
      for await (const t of msg.textStream as unknown as AsyncIterable<string>) heard.text += t;
    })();
    const audio = (async () => {
      for await (const f of msg.audioStream as unknown as AsyncIterable<AudioFrame>) {
        heard.firstAudioAt ??= Date.now();
        heard.frames.push(f);
      }
    })();
    await Promise.all([text, audio]);
    out.push(heard);
  }
  return out;
}

/** A realtime session of `model`, with what it reports collected. */
function open(model: llm.RealtimeModel) {
  const session = model.session();
  const errors: llm.RealtimeModelError[] = [];
  const generations: { ev: llm.GenerationCreatedEvent; read: Promise<Heard[]> }[] = [];
  session.on('error', (ev: llm.RealtimeModelError) => errors.push(ev));
  session.on('generation_created', (ev: llm.GenerationCreatedEvent) => {
    // Read every generation as it starts, as the AgentSession does: unread streams stall the plugin.
    generations.push({ ev, read: readGeneration(ev) });
  });
  /** What a generation said (already being read by the listener above). */
  const heard = (ev: llm.GenerationCreatedEvent) =>
    generations.find((g) => g.ev === ev)?.read ?? readGeneration(ev);
  return { session, errors, generations, heard };
}

type Realtime = ReturnType<typeof open>;

/** Pushes PCM16 at 24 kHz in 10 ms frames, a little faster than real time (as a phone line does). */
async function push(session: llm.RealtimeSession, pcm: Int16Array): Promise<void> {
  const size = CALLER_RATE / 100;
  for (let i = 0; i < pcm.length; i += size) {
    const data = new Int16Array(size);
    data.set(pcm.subarray(i, i + size));
    session.pushAudio(new AudioFrame(data, CALLER_RATE, 1, size));
    if ((i / size) % 10 === 9) await new Promise((r) => setTimeout(r, 50));
  }
}

/** One caller turn: half a second of silence, the utterance, and the second of silence that ends it. */
async function speak(session: llm.RealtimeSession, utterance: Int16Array): Promise<void> {
  await push(session, new Int16Array(CALLER_RATE / 2));
  await push(session, utterance);
  await push(session, new Int16Array(CALLER_RATE));
}

/** The single message of a generation, checked to carry audio. */
function spoken(messages: Heard[]): Heard & { pcm: Int16Array; sampleRate: number } {
  assert.equal(messages.length, 1, `${messages.length} messages in the generation`);
  const msg = messages[0]!;
  assert.ok(msg.frames.length > 0, 'the reply has audio');
  return { ...msg, ...pcmOf(msg.frames) };
}

/** Asserts the reply audio says `text` (pocketsphinx) and the model's transcript is `text`. */
async function assertSays(msg: Heard & { pcm: Int16Array; sampleRate: number }, text: string) {
  assert.ok(msg.pcm.length / msg.sampleRate > 1, `${msg.pcm.length / msg.sampleRate} s of reply audio`);
  assert.equal(norm(msg.text), norm(text), 'the model’s transcript of its reply');
  assert.equal(norm(await transcribe(msg.pcm, msg.sampleRate, PHRASES)), norm(text), 'what the audio says');
}

for (const target of stsTargets) {
  describe(`STS conformance: ${target.name}`, { timeout: 180_000 }, () => {
    let fake: FakeProviderControl;
    let utterance: Int16Array;
    const synth = new FliteSynthesizer();
    const sessions: llm.RealtimeSession[] = [];

    before(async () => {
      fake = await target.start();
      const r = await synth.synthesize(ASK, 'kal16');
      utterance = resamplePcm16(r.samples, r.sampleRate, CALLER_RATE);
    });
    after(async () => {
      await synth.close();
      await fake?.close();
    });
    afterEach(async () => {
      // A failed test may leave its session open; closing it here keeps the next test's fake clean.
      await Promise.all(sessions.splice(0).map((s) => s.close().catch(() => undefined)));
      assert.deepEqual(escaped.splice(0).map(String), [], 'nothing escaped the plugin');
    });

    /** A session on a fresh model built through the registry, after `prepare` set the fake's knobs. */
    const fresh = (prepare: (f: FakeProviderControl) => void = () => undefined) => {
      fake.reset();
      prepare(fake);
      const rt = open(buildTarget('STS', target, fake));
      sessions.push(rt.session);
      return rt;
    };
    const connections = () => work(fake, target);

    /**
     * Checks what an error event's `recoverable` promised: a recoverable failure is retried and
     * the session answers afterwards; an unrecoverable one is the end, with no further attempt.
     */
    const keepsItsWord = async (rt: Realtime, error: llm.RealtimeModelError) => {
      if (!error.recoverable) {
        // Once closed the session makes no further attempt, so the count below is final.
        await within(rt.session.close(), 5_000, 'closing the failed session');
        assert.equal(connections().length, 1, 'an unrecoverable error means no further attempt');
        return;
      }
      const gen = await within(rt.session.generateReply(GREETING), 30_000, 'generateReply after the retry');
      const msg = spoken(await within(rt.heard(gen), 20_000, 'the reply after the retry'));
      assert.equal(norm(msg.text), norm(bakery.welcome));
      const last = connections().at(-1)!;
      assert.ok(connections().length >= 2, 'a new connection');
      assert.equal(last.status, 101);
      assert.equal(last.fault, undefined);
      assert.ok(
        rt.errors.every((e) => e.recoverable),
        'no final error after all',
      );
    };

    test('the caller’s speech is answered in speech that says the reply, with its transcript', async () => {
      const rt = fresh();
      await speak(rt.session, utterance);
      await eventually(() => rt.generations.length > 0, 15_000, 'a generation for the caller’s turn');
      const gen = rt.generations[0]!;
      assert.equal(gen.ev.userInitiated, false, 'the model answered the turn on its own');
      const msg = spoken(await within(gen.read, 20_000, 'the reply to end'));
      assert.equal(connections().at(-1)!.text, REPLY, 'the fake answered the caller’s turn');
      await assertSays(msg, REPLY);
      assert.deepEqual(rt.errors, []);
    });

    test('an instructed reply (Parley’s greeting) speaks the quoted sentence', async () => {
      const rt = fresh();
      const gen = await within(rt.session.generateReply(GREETING), 15_000, 'generateReply');
      assert.equal(gen.userInitiated, true);
      const msg = spoken(await within(rt.heard(gen), 20_000, 'the greeting to end'));
      assert.equal(connections().at(-1)!.text, bakery.welcome, 'the fake was asked for the greeting');
      await assertSays(msg, bakery.welcome);
      assert.deepEqual(rt.errors, []);
    });

    test('setLatency delays the first reply audio by at least that much', async () => {
      const LATENCY_MS = 700;
      const rt = fresh((f) => f.setLatency(LATENCY_MS));
      const asked = Date.now();
      const gen = await within(rt.session.generateReply(GREETING), 15_000, 'generateReply');
      const msg = spoken(await within(rt.heard(gen), 20_000, 'the slow reply to end'));
      const firstMs = msg.firstAudioAt! - asked;
      assert.ok(firstMs >= LATENCY_MS, `first audio after ${firstMs} ms`);
      const conn = connections().at(-1)!;
      assert.ok(conn.firstOutputAt! - conn.at >= LATENCY_MS, 'the fake held the first audio back');
      assert.equal(norm(msg.text), norm(bakery.welcome), 'a slow reply is still the whole reply');
      assert.deepEqual(rt.errors, []);
    });

    test('a refused connection (401) is one unrecoverable, non-retryable error event', async () => {
      const rt = fresh((f) => f.failNext(401));
      await eventually(() => rt.errors.length > 0, 10_000, 'an error event');
      // Once closed the session makes no further attempt, so the counts below are final.
      await within(rt.session.close(), 5_000, 'closing the failed session');
      assert.equal(rt.errors.length, 1, rt.errors.map((e) => e.error.message).join('; '));
      const ev = rt.errors[0]!;
      assert.equal(ev.type, 'realtime_model_error', 'the AgentSession recognises realtime errors by type');
      assert.equal(ev.recoverable, false);
      assert.equal((ev.error as { retryable?: boolean }).retryable, false);
      // OpenAI answers the upgrade with 401; Gemini Live accepts it and closes with 1008 after the setup.
      assert.ok(
        [401, 1008].includes((ev.error as { statusCode?: number }).statusCode!),
        `status ${(ev.error as { statusCode?: number }).statusCode}`,
      );
      assert.equal(connections().length, 1, 'not retried');
      assert.equal(connections()[0]!.fault, 'fail');
    });

    test('a refused connection (500) is a retryable error event, and recoverable means retried', async () => {
      const rt = fresh((f) => f.failNext(500));
      await eventually(() => rt.errors.length > 0, 10_000, 'an error event');
      const first = rt.errors[0]!;
      assert.equal(first.type, 'realtime_model_error');
      assert.equal((first.error as { retryable?: boolean }).retryable, true);
      assert.equal(connections()[0]!.fault, 'fail');
      await keepsItsWord(rt, first);
    });

    test('a session closed while it retries a refused connection stops dialling and reports nothing more', async () => {
      const rt = fresh((f) => f.failNext(500, 10));
      await eventually(() => rt.errors.length > 0, 10_000, 'the first error event');
      // Hybrid mode closes the realtime session as soon as it leaves it, possibly mid-retry.
      await within(rt.session.close(), 5_000, 'closing the session mid-retry');
      const attempts = connections().length;
      const errors = rt.errors.length;
      // Longer than the plugins' retry intervals: a retry still under way would show here.
      await new Promise((r) => setTimeout(r, 1_500));
      assert.equal(connections().length, attempts, 'no connection attempt after close');
      assert.equal(rt.errors.length, errors, 'no error event after close');
    });

    test('a connection that is never answered is an error event within the connect timeout', async () => {
      const rt = fresh((f) => f.stallNext());
      const started = Date.now();
      await eventually(() => rt.errors.length > 0, 20_000, 'a timeout error');
      // Both plugins give a connection 10 s by default (connOptions.timeoutMs), as a call does.
      const took = Date.now() - started;
      assert.ok(took < 15_000, `gave up after ${took} ms`);
      const first = rt.errors[0]!;
      assert.equal(first.type, 'realtime_model_error');
      assert.equal((first.error as { retryable?: boolean }).retryable, true);
      assert.equal(connections()[0]!.fault, 'stall');
      await eventually(
        () => connections()[0]!.doneAt !== undefined,
        2_000,
        'the stalled attempt to be dropped',
      );
      await keepsItsWord(rt, first);
    });

    test('a connection dropped mid-reply is reported or reconnected, never left hanging', async () => {
      const rt = fresh((f) => f.dropNext());
      const gen = await within(rt.session.generateReply(GREETING), 15_000, 'generateReply');
      // The cut reply must end: the AgentSession waits on it before the next turn.
      await within(rt.heard(gen), 10_000, 'the cut reply to end');
      assert.equal(connections()[0]!.fault, 'drop');
      await eventually(
        () => rt.errors.length > 0 || connections().length >= 2,
        10_000,
        'the drop to be reported or the session to reconnect',
      );
      assert.ok(
        rt.errors.every((e) => e.type === 'realtime_model_error'),
        'every report is a realtime model error',
      );
      if (rt.errors.some((e) => !e.recoverable)) {
        // Reported as final (the call ends or falls back): then the session must not carry on.
        await within(rt.session.close(), 5_000, 'closing the session');
        assert.equal(connections().length, 1, 'an unrecoverable error means no further attempt');
        return;
      }
      // Reconnected: the caller's next turn is answered on the new connection. The caller speaks
      // (as a call streams audio all along) rather than the test asking for a reply: the OpenAI
      // plugin loses the first client event after a reconnection to the dead connection's reader
      // (realtime_model.ts:1289 of agents-plugin-openai 1.9), which in a call is 100 ms of audio.
      await eventually(() => connections().length >= 2, 10_000, 'the reconnection');
      await speak(rt.session, utterance);
      await eventually(() => rt.generations.length >= 2, 15_000, 'the answer on the new connection');
      const msg = spoken(await within(rt.generations.at(-1)!.read, 20_000, 'the reply to end'));
      assert.equal(norm(msg.text), norm(REPLY));
      assert.equal(connections().at(-1)!.status, 101);
    });

    test('the caller speaking over a reply (barge-in) cuts it short; the new turn is answered', async () => {
      const rt = fresh();
      const gen = await within(rt.session.generateReply(say(LONG_REPLY)), 15_000, 'generateReply');
      const cut = rt.heard(gen);
      await eventually(
        () => connections()[0]?.firstOutputAt !== undefined,
        10_000,
        'the reply audio to start',
      );
      await speak(rt.session, utterance);
      const [msg] = await within(cut, 10_000, 'the interrupted reply to end');
      assert.notEqual(norm(msg?.text ?? ''), norm(LONG_REPLY), 'the reply stopped early');
      await eventually(() => rt.generations.length >= 2, 15_000, 'the answer to the caller');
      const answer = spoken(await within(rt.generations.at(-1)!.read, 20_000, 'the answer to end'));
      assert.equal(norm(answer.text), norm(REPLY));
      assert.deepEqual(rt.errors, [], 'a barge-in is not an error');
    });

    test('closing the session mid-reply (hang-up) closes the connection, with no error', async () => {
      const rt = fresh();
      const gen = await within(rt.session.generateReply(say(LONG_REPLY)), 15_000, 'generateReply');
      const reading = rt.heard(gen);
      await eventually(
        () => connections()[0]?.firstOutputAt !== undefined,
        10_000,
        'the reply audio to start',
      );
      await within(rt.session.close(), 5_000, 'closing the session');
      await eventually(
        () => connections()[0]!.doneAt !== undefined,
        2_000,
        'the fake to see the socket close',
      );
      assert.equal(connections()[0]!.cancelled, true, 'the fake was still sending the reply');
      // The reply stops short: the AgentSession's playout ends with it.
      const [msg] = await within(reading, 5_000, 'the cut reply to end');
      assert.ok(norm(msg?.text ?? '') !== norm(LONG_REPLY), 'the reply was cut short');
      assert.deepEqual(rt.errors, [], 'a hang-up is not an error');
    });
  });
}
