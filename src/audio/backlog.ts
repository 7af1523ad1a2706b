/**
 * Bounds the audio waiting in a real-time source, such as rtc-node's `AudioSource`, which plays
 * out at exactly the real-time rate. Audio that arrives in a burst (network jitter, a stall of the
 * process that receives it) or from a sender whose clock runs a little fast would otherwise stay
 * queued for the rest of the call, every later word that much late.
 */
import { peakOf } from './pcm.ts';

/** Options of {@link BacklogBound}. */
export interface BacklogBoundOptions {
  /** Above this much queued audio (ms), quiet frames are left out. */
  quietMs: number;
  /** Above this much queued audio (ms), every frame is left out: a glitch rather than delay. */
  hardMs: number;
  /** A frame whose peak stays below this is quiet (default 500, about −36 dBFS). */
  quietPeak?: number;
}

export class BacklogBound {
  readonly #quietMs: number;
  readonly #hardMs: number;
  readonly #quietPeak: number;
  #dropped = 0;

  constructor(options: BacklogBoundOptions) {
    if (!(options.quietMs >= 0) || !(options.hardMs >= options.quietMs)) {
      throw new RangeError(`need 0 ≤ quietMs ≤ hardMs, got ${options.quietMs} and ${options.hardMs}`);
    }
    this.#quietMs = options.quietMs;
    this.#hardMs = options.hardMs;
    this.#quietPeak = options.quietPeak ?? 500;
  }

  /** Whether to send `frame` to a source that already holds `queuedMs` of audio. */
  admit(frame: Int16Array, queuedMs: number): boolean {
    if (queuedMs <= this.#quietMs) return true;
    if (queuedMs <= this.#hardMs && peakOf(frame) >= this.#quietPeak) return true;
    this.#dropped++;
    return false;
  }

  /** Frames left out so far. */
  get dropped(): number {
    return this.#dropped;
  }
}
