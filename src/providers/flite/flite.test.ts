import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { initializeLogger, tts } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import {
  startEventLoopProbe,
  timingUnreliableReason,
} from '../../../test/fixtures/speech/event-loop-probe.ts';
import { audioFramesToPcm } from '../../audio/frames.ts';
import { rmsDbfs, soundStart } from '../../audio/pcm.ts';
import {
  FLITE_VOICES,
  FliteSynthesizer,
  FliteTTS,
  SentenceBuffer,
  prepareFliteText,
  splitSentences,
} from './index.ts';

/** Reads a stream until END_OF_STREAM or its end. */
async function drain(stream: AsyncIterable<tts.SynthesizedAudio | symbol>) {
  const events: tts.SynthesizedAudio[] = [];
  let endOfStream = false;
  for await (const event of stream) {
    if (event === tts.SynthesizeStream.END_OF_STREAM) {
      endOfStream = true;
      break;
    }
    if (typeof event !== 'symbol') events.push(event);
  }
  return { events, endOfStream, frames: events.map((e) => e.frame) };
}

function seconds(frames: AudioFrame[]): number {
  return frames.reduce((s, f) => s + f.samplesPerChannel / f.sampleRate, 0);
}

describe('flite text handling', () => {
  it('splits sentences incrementally without breaking abbreviations', () => {
    const buffer = new SentenceBuffer();
    assert.deepEqual(buffer.push('Hello Mr. Smith, your table'), []);
    assert.deepEqual(buffer.push(' is ready. We open at 9.30 tomorrow! And'), [
      'Hello Mr. Smith, your table is ready.',
      'We open at 9.30 tomorrow!',
    ]);
    assert.equal(buffer.flush(), 'And');
    assert.deepEqual(splitSentences('One. Two?\nThree'), ['One.', 'Two?', 'Three']);
  });

  it('strips markup and unspeakable input', () => {
    assert.equal(prepareFliteText('<b>Hi</b> “there” — you & me'), 'Hi "there" , you and me');
    assert.equal(prepareFliteText(' ... ** '), '');
  });

  it('rejects unknown voices and speeds', () => {
    assert.throws(() => new FliteTTS({ voice: 'nope' as 'slt' }));
    assert.throws(() => new FliteTTS({ speed: 5 }));
  });
});

describe('FliteTTS', () => {
  let engine: FliteTTS;

  before(async () => {
    initializeLogger({ pretty: false, level: 'warn' });
    engine = new FliteTTS({ voice: 'slt' });
    await engine.prewarm();
  });

  after(async () => {
    await engine.close();
  });

  for (const voice of FLITE_VOICES) {
    it(`synthesizes with voice ${voice} without blocking the event loop`, async (t) => {
      const voiceTts = new FliteTTS({ voice });
      const probe = startEventLoopProbe();
      const started = performance.now();
      const { frames } = await drain(voiceTts.synthesize('The quick brown fox jumps over the lazy dog.'));
      const elapsedMs = performance.now() - started;
      const maxBlockMs = probe.stop();
      await voiceTts.close();
      const pcm = audioFramesToPcm(frames);
      assert.ok(frames.every((f) => f.sampleRate === 16000 && f.channels === 1));
      assert.ok(
        frames.slice(0, -1).every((f) => f.samplesPerChannel === 320),
        '20 ms frames',
      );
      const duration = seconds(frames);
      assert.ok(duration > 1.5 && duration < 5, `duration ${duration}s`);
      assert.ok(rmsDbfs(pcm) > -35, `level ${rmsDbfs(pcm)} dBFS`);
      const busy = timingUnreliableReason();
      if (busy) t.diagnostic(`event-loop bound not asserted: ${busy}`);
      else assert.ok(maxBlockMs < 50, `event loop blocked for ${maxBlockMs.toFixed(0)} ms`);
      console.log(
        `flite ${voice}: ${duration.toFixed(2)} s of audio in ${elapsedMs.toFixed(0)} ms, max block ${maxBlockMs.toFixed(1)} ms`,
      );
    });
  }

  it("starts each sentence's audio within 50 ms of its sound, not after flite's lead-in", async () => {
    const raw = new FliteSynthesizer();
    const text = [
      'Sure, what flavour would you like?',
      'We open at nine.',
      'Sorry, could you say that again?',
    ];
    try {
      for (const voice of FLITE_VOICES) {
        const voiceTts = new FliteTTS({ voice });
        const stream = voiceTts.stream();
        stream.pushText(text.join(' '));
        stream.endInput();
        const { events } = await drain(stream);
        await voiceTts.close();
        // Each sentence's frames, from the frame carrying its text to the next sentence's.
        const starts = events.flatMap((e, i) => (e.timedTranscripts?.length ? [i] : []));
        assert.equal(starts.length, text.length, voice);
        for (const [n, start] of starts.entries()) {
          const pcm = audioFramesToPcm(events.slice(start, starts[n + 1]).map((e) => e.frame));
          const leadMs = (soundStart(pcm, 16000, { padMs: 0 }) / 16000) * 1000;
          const rawAudio = await raw.synthesize(prepareFliteText(text[n]!), voice);
          const rawLeadMs = (soundStart(rawAudio.samples, rawAudio.sampleRate, { padMs: 0 }) / 16000) * 1000;
          assert.ok(rawLeadMs > 100, `${voice} "${text[n]}": flite's own lead-in ${rawLeadMs} ms`);
          assert.ok(leadMs <= 50, `${voice} "${text[n]}": sound starts ${leadMs} ms into the sentence`);
        }
      }
    } finally {
      await raw.close();
    }
  });

  it('slows down with speed < 1', async () => {
    const slow = new FliteTTS({ voice: 'kal16', speed: 0.7 });
    const normal = new FliteTTS({ voice: 'kal16' });
    const text = 'I would like to book a table for two.';
    const [a, b] = await Promise.all([drain(slow.synthesize(text)), drain(normal.synthesize(text))]);
    await Promise.all([slow.close(), normal.close()]);
    assert.ok(seconds(a.frames) > seconds(b.frames) * 1.25, `${seconds(a.frames)} vs ${seconds(b.frames)}`);
  });

  it('streams sentence by sentence as text arrives', async () => {
    const stream = engine.stream();
    const words = 'Sure, your table for two is booked. We will see you at seven! Goodbye'.split(' ');
    const started = performance.now();
    for (const word of words) stream.pushText(`${word} `);
    stream.endInput();
    let firstFrameMs = 0;
    const events: tts.SynthesizedAudio[] = [];
    let endOfStream = false;
    for await (const event of stream) {
      if (event === tts.SynthesizeStream.END_OF_STREAM) {
        endOfStream = true;
        break;
      }
      if (events.length === 0) firstFrameMs = performance.now() - started;
      events.push(event);
    }
    assert.ok(endOfStream);
    const sentences = events.filter((e) => e.timedTranscripts?.length).map((e) => e.deltaText);
    assert.deepEqual(sentences, [
      'Sure, your table for two is booked.',
      'We will see you at seven!',
      'Goodbye',
    ]);
    assert.equal(events.filter((e) => e.final).length, 1);
    assert.equal(events.at(-1)?.final, true);
    assert.ok(new Set(events.map((e) => e.segmentId)).size === 1);
    console.log(`flite stream: first frame after ${firstFrameMs.toFixed(0)} ms`);
  });

  it('marks the end of each flushed segment', async () => {
    const stream = engine.stream();
    stream.pushText('First part.');
    stream.flush();
    stream.pushText('Second part.');
    stream.endInput();
    const { events, endOfStream } = await drain(stream);
    assert.ok(endOfStream);
    const finals = events.filter((e) => e.final);
    assert.equal(finals.length, 2);
    assert.notEqual(finals[0]!.segmentId, finals[1]!.segmentId);
  });

  it('stops emitting when aborted (barge-in)', async () => {
    const controller = new AbortController();
    const text = Array.from(
      { length: 6 },
      (_, i) => `This is sentence number ${i + 1} of a long reply.`,
    ).join(' ');
    const chunked = engine.synthesize(text, undefined, controller.signal);
    let count = 0;
    for await (const event of chunked) {
      if (event && ++count === 5) controller.abort();
    }
    // Frames of the first sentence were already queued when it aborted; nothing after it follows.
    // The whole text would be about 900 frames.
    assert.ok(count < 250, `emitted ${count} frames despite the abort`);

    const stream = engine.stream();
    stream.pushText(text);
    stream.endInput();
    let streamed = 0;
    for await (const event of stream) {
      if (typeof event !== 'symbol' && ++streamed === 5) stream.close();
    }
    assert.ok(streamed < 60, `emitted ${streamed} frames after close`);
  });

  it('synthesizes a long call’s worth of sentences in one thread without piling up memory', async () => {
    // Each synthesis instantiates flite with its own 20 MB memory; without collection between
    // them the process aborted after 15–20 sentences.
    const synthesizer = new FliteSynthesizer();
    const rssBefore = process.memoryUsage().rss;
    try {
      for (let i = 0; i < 40; i++) {
        const { samples } = await synthesizer.synthesize(
          `This is sentence number ${i + 1} of the call.`,
          'slt',
        );
        assert.ok(samples.length > 0);
      }
    } finally {
      await synthesizer.close();
    }
    const grownMb = (process.memoryUsage().rss - rssBefore) / 1e6;
    assert.ok(grownMb < 300, `the process grew by ${grownMb.toFixed(0)} MB over 40 sentences`);
  });
});
