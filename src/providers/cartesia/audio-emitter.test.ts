import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tts } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { AudioEmitter } from './audio-emitter.ts';
import type { Segment } from './segment-log.ts';

const segment = (id: string): Segment => ({
  id,
  text: 'x',
  ended: true,
  finished: false,
  audioEmitted: false,
});
/** 100 ms at 1 kHz. */
const frame = () => new AudioFrame(new Int16Array(100), 1000, 1, 100);

function setup() {
  const out: (tts.SynthesizedAudio | symbol)[] = [];
  let open = true;
  const emitter = new AudioEmitter(
    (item) => out.push(item),
    () => open,
  );
  return { out, emitter, close: () => (open = false) };
}

const round = (x: number | undefined) => Math.round((x ?? NaN) * 1000) / 1000;
const audio = (out: (tts.SynthesizedAudio | symbol)[]) =>
  out.filter((x): x is tts.SynthesizedAudio => typeof x !== 'symbol');

describe('AudioEmitter', () => {
  it('marks only the last frame of each segment final and ends the stream once', () => {
    const { out, emitter } = setup();
    const a = segment('a');
    const b = segment('b');
    emitter.frames(a, 'ctx-a', [frame(), frame()]);
    assert.equal(out.length, 1, 'the last frame is held back');
    assert.equal(a.audioEmitted, true);
    emitter.frames(a, 'ctx-a', [frame()]);
    emitter.endSegment(a);
    emitter.frames(b, 'ctx-b', [frame()]);
    emitter.endSegment(b);
    emitter.endStream();
    assert.deepEqual(
      audio(out).map((x) => [x.segmentId, x.requestId, x.final]),
      [
        ['a', 'ctx-a', false],
        ['a', 'ctx-a', false],
        ['a', 'ctx-a', true],
        ['b', 'ctx-b', true],
      ],
    );
    assert.equal(out.at(-1), tts.SynthesizeStream.END_OF_STREAM);
    assert.equal(emitter.elapsedSeconds, 0.4);
  });

  it('shifts word timings by the audio before their segment and separates the words', () => {
    const { out, emitter } = setup();
    const a = segment('a');
    const b = segment('b');
    emitter.words(a, [
      { word: 'We', start: 0, end: 0.05 },
      { word: 'open', start: 0.05, end: 0.2 },
    ]);
    emitter.frames(a, 'ctx-a', [frame(), frame(), frame()]);
    emitter.endSegment(a);
    emitter.frames(b, 'ctx-b', [frame()]);
    emitter.words(b, [{ word: 'Sure', start: 0, end: 0.1 }]);
    emitter.endSegment(b);
    const timed = audio(out).flatMap((x) => x.timedTranscripts ?? []);
    assert.deepEqual(
      timed.map((t) => [t.text, round(t.startTime), round(t.endTime)]),
      [
        ['We', 0, 0.05],
        [' open', 0.05, 0.2],
        [' Sure', 0.3, 0.4],
      ],
    );
    // Words that arrive after a segment's last frame travel with that (final) frame.
    assert.equal(audio(out).at(-1)!.timedTranscripts?.[0]?.text, ' Sure');
  });

  it('puts nothing out once the stream is closed, and a dropped held frame does not count as played', () => {
    const { out, emitter, close } = setup();
    const a = segment('a');
    emitter.frames(a, 'ctx', [frame()]);
    assert.equal(a.audioEmitted, false, 'held, not yet heard');
    emitter.discard();
    close();
    emitter.frames(a, 'ctx', [frame(), frame()]);
    emitter.endSegment(a);
    emitter.endStream();
    assert.deepEqual(out, []);
    assert.equal(a.audioEmitted, false);
  });
});
