import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { audioFramesToPcm } from '../../audio/frames.ts';
import { Pcm16Framer } from './pcm-framer.ts';

const bytesOf = (samples: number[]) => new Uint8Array(new Int16Array(samples).buffer);

describe('Pcm16Framer', () => {
  it('cuts bytes into fixed frames and flushes the rest', () => {
    const framer = new Pcm16Framer(8000, 4);
    const frames = framer.push(bytesOf([1, 2, 3, 4, 5, 6]));
    assert.equal(frames.length, 1);
    assert.deepEqual([...frames[0]!.data], [1, 2, 3, 4]);
    assert.equal(frames[0]!.sampleRate, 8000);
    assert.equal(frames[0]!.channels, 1);
    const rest = framer.flush();
    assert.equal(rest.length, 1);
    assert.deepEqual([...rest[0]!.data], [5, 6]);
    assert.deepEqual(framer.flush(), []);
  });

  it('keeps samples split across chunks at odd byte boundaries, negatives included', () => {
    const samples = [0, -1, 32767, -32768, 1234, -4321, 7, -7, 300];
    const all = bytesOf(samples);
    const framer = new Pcm16Framer(16000, 3);
    const frames = [];
    // One byte, then three, then five, and so on: every sample boundary gets split somewhere.
    for (let o = 0, n = 1; o < all.length; o += n, n += 2)
      frames.push(...framer.push(all.subarray(o, o + n)));
    frames.push(...framer.flush());
    assert.deepEqual([...audioFramesToPcm(frames)], samples);
    assert.ok(frames.slice(0, -1).every((f) => f.samplesPerChannel === 3));
  });

  it('drops a dangling odd byte at the end', () => {
    const framer = new Pcm16Framer(8000, 10);
    framer.push(new Uint8Array([1, 0, 9]));
    const [frame] = framer.flush();
    assert.deepEqual([...frame!.data], [1]);
  });

  it('rejects a zero frame length', () => {
    assert.throws(() => new Pcm16Framer(8000, 0), RangeError);
  });
});
