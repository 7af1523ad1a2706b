import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BacklogBound } from './backlog.ts';
import { chunkPcm16, concatPcm16, pcmDurationMs, rmsDbfs, silencePcm16, soundStart } from './pcm.ts';
import { Pcm16Resampler, resamplePcm16 } from './resample.ts';
import { WavFormatError, decodeWav, encodeWav } from './wav.ts';

function tone(freq: number, sampleRate: number, seconds: number, amplitude = 10000): Int16Array {
  const out = new Int16Array(Math.round(sampleRate * seconds));
  for (let i = 0; i < out.length; i++)
    out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / sampleRate));
  return out;
}

/** Zero crossings per second, a cheap frequency estimate for a pure tone. */
function estimateFrequency(samples: Int16Array, sampleRate: number): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i - 1]! < 0 !== samples[i]! < 0) crossings++;
  return crossings / 2 / (samples.length / sampleRate);
}

describe('wav', () => {
  it('round-trips 16-bit PCM', () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768, 1234]);
    const decoded = decodeWav(encodeWav({ samples, sampleRate: 8000, channels: 2 }));
    assert.deepEqual(decoded, { samples, sampleRate: 8000, channels: 2 });
  });

  it('skips unknown chunks and tolerates an oversized data length', () => {
    const wav = encodeWav({ samples: Int16Array.from([5, 6, 7]), sampleRate: 16000, channels: 1 });
    const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([3, 0, 0, 0, 1, 2, 3, 0])]);
    const withList = Buffer.concat([wav.subarray(0, 36), list, wav.subarray(36)]);
    withList.writeUInt32LE(0xffffffff, 36 + list.length + 4);
    assert.deepEqual(Array.from(decodeWav(withList).samples), [5, 6, 7]);
  });

  it('rejects non-PCM16 input', () => {
    assert.throws(() => decodeWav(Buffer.from('not a wav file at all')), WavFormatError);
    const wav = encodeWav({ samples: new Int16Array(2), sampleRate: 8000, channels: 1 });
    wav.writeUInt16LE(8, 34);
    assert.throws(() => decodeWav(wav), /16-bit PCM/);
  });
});

describe('pcm', () => {
  it('chunks, concatenates and measures', () => {
    const samples = Int16Array.from({ length: 10 }, (_, i) => i);
    const chunks = [...chunkPcm16(samples, 4)];
    assert.deepEqual(
      chunks.map((c) => c.length),
      [4, 4, 2],
    );
    assert.deepEqual(concatPcm16(chunks), samples);
    assert.equal(pcmDurationMs(16000, 16000), 1000);
    assert.equal(silencePcm16(20, 16000).length, 320);
    assert.equal(rmsDbfs(silencePcm16(10, 8000)), -Infinity);
    assert.ok(Math.abs(rmsDbfs(tone(1000, 16000, 1, 32767)) + 3.01) < 0.1);
  });
});

describe('soundStart', () => {
  const rate = 16000;
  const tone = (ms: number, amplitude: number) =>
    Int16Array.from({ length: (ms * rate) / 1000 }, (_, i) => Math.round(amplitude * Math.sin(i / 3)));

  it('keeps padMs of the quiet before the first window that reaches the threshold', () => {
    // 200 ms of faint noise, then speech.
    const pcm = concatPcm16([tone(200, 150), tone(100, 8000)]);
    assert.equal(soundStart(pcm, rate), ((200 - 10) * rate) / 1000);
    assert.equal(soundStart(pcm, rate, { padMs: 50 }), ((200 - 50) * rate) / 1000);
    assert.equal(soundStart(pcm, rate, { padMs: 0 }), (200 * rate) / 1000);
    assert.equal(soundStart(pcm, rate, { threshold: 100, padMs: 0 }), 0);
  });

  it('keeps the rise of a soft onset, up to maxLeadMs before the sound', () => {
    // Noise, then a fricative rising over 30 ms (250, 330, 420), then the vowel.
    const rising = concatPcm16([
      tone(200, 100),
      tone(10, 250),
      tone(10, 330),
      tone(10, 420),
      tone(100, 8000),
    ]);
    assert.equal(soundStart(rising, rate), ((200 - 10) * rate) / 1000);
    assert.equal(soundStart(rising, rate, { padMs: 0 }), (200 * rate) / 1000);
    // A rise longer than maxLeadMs is cut there: never more than 50 ms ahead of the sound.
    const long = concatPcm16([tone(100, 100), tone(80, 300), tone(100, 8000)]);
    assert.equal(soundStart(long, rate), ((180 - 50) * rate) / 1000);
  });

  it('drops nothing when the sound starts at once or never reaches the threshold', () => {
    assert.equal(soundStart(tone(100, 8000), rate), 0);
    assert.equal(soundStart(concatPcm16([silencePcm16(8, rate), tone(50, 8000)]), rate), 0);
    assert.equal(soundStart(tone(300, 200), rate), 0);
    assert.equal(soundStart(new Int16Array(0), rate), 0);
  });
});

describe('resample', () => {
  for (const [from, to] of [
    [48000, 16000],
    [16000, 48000],
    [8000, 16000],
    [24000, 16000],
    [22050, 16000],
    [16000, 8000],
  ] as const) {
    it(`keeps a 440 Hz tone's pitch and level from ${from} to ${to} Hz`, () => {
      const input = tone(440, from, 1);
      const output = resamplePcm16(input, from, to);
      assert.equal(output.length, Math.ceil((input.length * to) / from));
      const middle = output.subarray(Math.round(to * 0.1), Math.round(to * 0.9));
      assert.ok(
        Math.abs(estimateFrequency(middle, to) - 440) < 3,
        `frequency ${estimateFrequency(middle, to)}`,
      );
      const levelChange =
        rmsDbfs(middle) - rmsDbfs(input.subarray(Math.round(from * 0.1), Math.round(from * 0.9)));
      assert.ok(Math.abs(levelChange) < 0.3, `level changed by ${levelChange} dB`);
    });
  }

  it('gives the same result in chunks as in one call', () => {
    const input = tone(300, 24000, 0.5);
    const whole = resamplePcm16(input, 24000, 16000);
    const resampler = new Pcm16Resampler(24000, 16000);
    const parts = [...chunkPcm16(input, 241)].map((c) => resampler.push(c));
    parts.push(resampler.flush());
    assert.deepEqual(concatPcm16(parts), whole);
  });

  it('removes content above the new Nyquist frequency instead of aliasing it', () => {
    const output = resamplePcm16(tone(6000, 48000, 1), 48000, 8000);
    assert.ok(rmsDbfs(output.subarray(800, 7200)) < rmsDbfs(tone(6000, 48000, 1)) - 40);
  });
});

describe('BacklogBound', () => {
  const quiet = new Int16Array(480).fill(120);
  const loud = tone(440, 48000, 0.01);

  it('admits every frame while the backlog is short', () => {
    const bound = new BacklogBound({ quietMs: 60, hardMs: 200 });
    assert.equal(bound.admit(quiet, 0), true);
    assert.equal(bound.admit(quiet, 60), true);
    assert.equal(bound.admit(loud, 60), true);
    assert.equal(bound.dropped, 0);
  });

  it('leaves out quiet frames, and only those, between the two bounds', () => {
    const bound = new BacklogBound({ quietMs: 60, hardMs: 200 });
    assert.equal(bound.admit(quiet, 61), false);
    assert.equal(bound.admit(loud, 61), true);
    assert.equal(bound.admit(loud, 200), true);
    assert.equal(bound.admit(new Int16Array(480).fill(-500), 100), true, 'a negative peak is sound too');
    assert.equal(bound.dropped, 1);
  });

  it('leaves out any frame beyond the hard bound', () => {
    const bound = new BacklogBound({ quietMs: 60, hardMs: 200 });
    assert.equal(bound.admit(loud, 201), false);
    assert.equal(bound.admit(quiet, 500), false);
    assert.equal(bound.dropped, 2);
  });

  it('takes its quiet level from the options and rejects impossible bounds', () => {
    const bound = new BacklogBound({ quietMs: 0, hardMs: Infinity, quietPeak: 100 });
    assert.equal(bound.admit(quiet, 1), true, 'peak 120 is sound at quietPeak 100');
    assert.throws(() => new BacklogBound({ quietMs: 100, hardMs: 50 }), RangeError);
    assert.throws(() => new BacklogBound({ quietMs: -1, hardMs: 50 }), RangeError);
  });
});
