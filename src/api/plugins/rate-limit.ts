/** The outcome of counting one request. */
export interface RateVerdict {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetEpochSeconds: number;
  retryAfterSeconds: number;
}

/**
 * A fixed-window counter per organization, in this process. Several API processes each enforce the
 * limit on their share of the traffic; a shared store (PostgreSQL or Redis) can replace it behind
 * the same `hit` method.
 */
export class RateLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();
  constructor(
    readonly max: number,
    readonly windowSeconds: number,
  ) {}

  hit(key: string, now = Date.now()): RateVerdict {
    const windowMs = this.windowSeconds * 1000;
    const start = Math.floor(now / windowMs) * windowMs;
    let w = this.#windows.get(key);
    if (!w || w.start !== start) {
      w = { start, count: 0 };
      this.#windows.set(key, w);
      if (this.#windows.size > 10_000) this.#sweep(start);
    }
    w.count++;
    const reset = start + windowMs;
    return {
      allowed: w.count <= this.max,
      limit: this.max,
      remaining: Math.max(0, this.max - w.count),
      resetEpochSeconds: Math.ceil(reset / 1000),
      retryAfterSeconds: Math.max(1, Math.ceil((reset - now) / 1000)),
    };
  }

  #sweep(currentStart: number) {
    for (const [k, v] of this.#windows) if (v.start !== currentStart) this.#windows.delete(k);
  }
}
