import type { EndReason } from '../domain/voice-sessions/end.ts';

/**
 * Enforces a call's limits: a maximum duration and an idle timeout (no one has spoken for that
 * long). Calls `end` once with the reason.
 */
export class CallLimits {
  #lastActivity = Date.now();
  #timers: NodeJS.Timeout[] = [];
  #ended = false;

  constructor(
    private readonly opts: { maxDurationSeconds: number; idleTimeoutSeconds: number },
    private readonly end: (reason: EndReason) => void,
  ) {}

  start(): void {
    this.#timers.push(setTimeout(() => this.#fire('max_duration'), this.opts.maxDurationSeconds * 1000));
    this.#timers.push(
      setInterval(() => {
        if (Date.now() - this.#lastActivity >= this.opts.idleTimeoutSeconds * 1000)
          this.#fire('idle_timeout');
      }, 250),
    );
  }

  /** Someone spoke (or is speaking): the idle clock restarts. */
  activity(): void {
    this.#lastActivity = Date.now();
  }

  #fire(reason: EndReason) {
    if (this.#ended) return;
    this.#ended = true;
    this.stop();
    this.end(reason);
  }

  stop(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
  }
}
