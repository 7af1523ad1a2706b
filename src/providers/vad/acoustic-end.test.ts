import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatPcm16, silencePcm16 } from '../../audio/pcm.ts';
import { trailingQuietMs } from './acoustic-end.ts';

const RATE = 16000;
const tone = (ms: number, amplitude: number) =>
  Int16Array.from({ length: (ms * RATE) / 1000 }, (_, i) => Math.round(amplitude * Math.sin(i / 3)));
const noise = (ms: number, amplitude: number, seed = 3) =>
  Int16Array.from({ length: (ms * RATE) / 1000 }, () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return Math.round((seed / 0x7fffffff - 0.5) * 2 * amplitude);
  });

test('the quiet after the voice is measured in 10 ms windows', () => {
  assert.equal(trailingQuietMs(concatPcm16([tone(500, 8000), silencePcm16(230, RATE)]), RATE), 230);
  assert.equal(trailingQuietMs(concatPcm16([silencePcm16(100, RATE), tone(400, 8000)]), RATE), 0);
  // A faint line noise is quiet. Windows are counted back from the end: the one across the end of
  // the voice is voice.
  assert.equal(trailingQuietMs(concatPcm16([tone(300, 8000), noise(145, 60)]), RATE), 140);
});

test("a soft tail of the voice is quiet only below a tenth of the utterance's level", () => {
  const speech = concatPcm16([tone(400, 2000), tone(100, 400), noise(200, 20)]);
  // 400 is over 10 % of 2000: voice, not quiet.
  assert.equal(trailingQuietMs(speech, RATE), 200);
  // Loud noise after the voice is not silence the caller kept.
  assert.equal(trailingQuietMs(concatPcm16([tone(400, 8000), noise(200, 1200)]), RATE), 0);
  // With a lower floor than the tail's level, the tail stays voice.
  assert.equal(
    trailingQuietMs(concatPcm16([tone(400, 8000), noise(200, 250)]), RATE, { quietFloor: 200 }),
    0,
  );
});

test('all of it is quiet when nothing is loud; nothing when there is nothing', () => {
  assert.equal(trailingQuietMs(silencePcm16(300, RATE), RATE), 300);
  assert.equal(trailingQuietMs(new Int16Array(0), RATE), 0);
});
