/**
 * A fixed-delay jitter buffer for 20 ms RTP frames: reorders by sequence number (with 16-bit
 * wrap-around), drops duplicates and packets too late to play, holds `targetDepth` frames before
 * playout starts, and reports a gap as `lost` so the caller can conceal it.
 */

/** What {@link JitterBuffer.pop} yields per 20 ms tick. */
export type Playout = { kind: 'frame'; payload: Buffer } | { kind: 'lost' } | { kind: 'empty' };

export interface JitterBufferOptions {
  /** Frames buffered before playout starts (and after an underrun). Default 3 (60 ms). */
  targetDepth?: number;
  /** Frames held at most; beyond it the oldest are skipped to bound latency. Default 25 (500 ms). */
  maxDepth?: number;
}

/** Counters for diagnostics and tests. */
export interface JitterStats {
  received: number;
  played: number;
  lost: number;
  late: number;
  duplicate: number;
  skipped: number;
}

export class JitterBuffer {
  readonly stats: JitterStats = { received: 0, played: 0, lost: 0, late: 0, duplicate: 0, skipped: 0 };
  readonly #target: number;
  readonly #max: number;
  #frames = new Map<number, Buffer>();
  /** Extended sequence number of the next frame to play, once playing. */
  #next: number | undefined;
  #highest: number | undefined;
  #playing = false;

  constructor(opts: JitterBufferOptions = {}) {
    this.#target = Math.max(1, opts.targetDepth ?? 3);
    this.#max = Math.max(this.#target + 1, opts.maxDepth ?? 25);
  }

  /** Frames currently held. */
  get depth(): number {
    return this.#frames.size;
  }

  #extend(seq: number): number {
    if (this.#highest === undefined) return seq;
    const base = this.#highest;
    let diff = (seq - (base & 0xffff)) & 0xffff;
    if (diff >= 0x8000) diff -= 0x10000;
    return base + diff;
  }

  /** Adds a received frame. */
  push(sequence: number, payload: Buffer): void {
    const ext = this.#extend(sequence & 0xffff);
    this.stats.received++;
    if (this.#next !== undefined && ext < this.#next) {
      this.stats.late++;
      return;
    }
    if (this.#frames.has(ext)) {
      this.stats.duplicate++;
      return;
    }
    this.#frames.set(ext, payload);
    if (this.#highest === undefined || ext > this.#highest) this.#highest = ext;
    // A large jump (a new stream after hold, or the peer restarting) resets playout.
    if (this.#next !== undefined && ext - this.#next > this.#max * 4) {
      for (const k of [...this.#frames.keys()]) if (k !== ext) this.#frames.delete(k);
      this.#next = ext;
      this.#playing = false;
    }
    while (this.#frames.size > this.#max) {
      const oldest = Math.min(...this.#frames.keys());
      this.#frames.delete(oldest);
      this.stats.skipped++;
      if (this.#next !== undefined && this.#next <= oldest) this.#next = oldest + 1;
    }
  }

  /** The frame for this 20 ms tick. */
  pop(): Playout {
    if (!this.#playing) {
      if (this.#frames.size < this.#target) return { kind: 'empty' };
      this.#playing = true;
      const lowest = Math.min(...this.#frames.keys());
      if (this.#next === undefined || lowest > this.#next) this.#next = lowest;
    }
    if (this.#frames.size === 0) {
      this.#playing = false; // underrun: buffer up again
      return { kind: 'empty' };
    }
    const seq = this.#next!;
    this.#next = seq + 1;
    const frame = this.#frames.get(seq);
    if (!frame) {
      this.stats.lost++;
      return { kind: 'lost' };
    }
    this.#frames.delete(seq);
    this.stats.played++;
    return { kind: 'frame', payload: frame };
  }
}
