/** Why hybrid mode leaves the speech-to-speech model. */
export type SwitchReason = 'sts_error' | 'sts_slow';

/**
 * Parley's hybrid policy (architecture.md): stay on the speech-to-speech model until it fails, or
 * until its first-audio latency exceeds the budget on two consecutive turns; then switch to the
 * pipeline for the rest of the call. Pure logic, so it is tested on its own.
 */
export class HybridPolicy {
  #slowStreak = 0;
  #switched = false;
  constructor(private readonly maxFirstAudioMs: number) {}

  get switched(): boolean {
    return this.#switched;
  }

  /** A finished agent turn on the STS model; returns a reason when it is time to switch. */
  onStsTurn(firstAudioMs: number | null): SwitchReason | undefined {
    if (this.#switched) return undefined;
    if (firstAudioMs !== null && firstAudioMs > this.maxFirstAudioMs) this.#slowStreak++;
    else this.#slowStreak = 0;
    return this.#slowStreak >= 2 ? this.#switch('sts_slow') : undefined;
  }

  /** The STS provider failed (connect error, provider error, rate limit). */
  onStsError(): SwitchReason | undefined {
    return this.#switched ? undefined : this.#switch('sts_error');
  }

  #switch(reason: SwitchReason): SwitchReason {
    this.#switched = true;
    return reason;
  }
}
