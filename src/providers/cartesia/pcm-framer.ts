/** Raw little-endian PCM16 bytes, as they arrive from the network, cut into fixed-length frames. */
import { AudioFrame } from '@livekit/rtc-node';

/**
 * Cuts a mono `pcm_s16le` byte stream into {@link AudioFrame}s of `frameSamples`. Network chunks
 * split samples anywhere, so a dangling odd byte is carried over to the next chunk.
 */
export class Pcm16Framer {
  readonly #sampleRate: number;
  readonly #frameSamples: number;
  #frame: Int16Array;
  #filled = 0;
  #oddByte: number | undefined;

  constructor(sampleRate: number, frameSamples: number) {
    if (!Number.isInteger(frameSamples) || frameSamples <= 0)
      throw new RangeError('frameSamples must be > 0');
    this.#sampleRate = sampleRate;
    this.#frameSamples = frameSamples;
    this.#frame = new Int16Array(frameSamples);
  }

  /** Frames completed by `bytes` (possibly none). */
  push(bytes: Uint8Array): AudioFrame[] {
    const frames: AudioFrame[] = [];
    let i = 0;
    if (this.#oddByte !== undefined && bytes.length > 0) {
      this.#append((bytes[0]! << 8) | this.#oddByte, frames);
      this.#oddByte = undefined;
      i = 1;
    }
    for (; i + 1 < bytes.length; i += 2) {
      this.#append((bytes[i + 1]! << 8) | bytes[i]!, frames);
    }
    if (i < bytes.length) this.#oddByte = bytes[i];
    return frames;
  }

  /** The last, shorter frame (if any samples are left); a dangling odd byte is dropped. */
  flush(): AudioFrame[] {
    this.#oddByte = undefined;
    if (this.#filled === 0) return [];
    const data = this.#frame.slice(0, this.#filled);
    this.#filled = 0;
    return [new AudioFrame(data, this.#sampleRate, 1, data.length)];
  }

  /** `sample` is the unsigned 16-bit value; the Int16Array store makes it signed. */
  #append(sample: number, frames: AudioFrame[]): void {
    this.#frame[this.#filled++] = sample;
    if (this.#filled === this.#frameSamples) {
      frames.push(new AudioFrame(this.#frame, this.#sampleRate, 1, this.#frameSamples));
      this.#frame = new Int16Array(this.#frameSamples);
      this.#filled = 0;
    }
  }
}
