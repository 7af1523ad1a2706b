import { voice } from '@livekit/agents';
import { isCancellation } from '../../providers/http-errors.ts';

/** An error the framework reports for a provider (STT, LLM, TTS or realtime model). */
export type ProviderErrorEvent = Parameters<voice.AgentSession['_onError']>[0];

/**
 * The AgentSession every Parley call runs on. Provider errors are reported to `onProviderError`
 * (the session's event timeline) and offered to `divert` (hybrid mode leaves the realtime model
 * on any of its errors there); an unrecoverable one that nothing diverted makes the caller hear
 * `apologize()` before the session closes with the error. The framework's own tolerance of repeated LLM/TTS
 * failures is turned off in {@link sessionOptions}: a turn that cannot be answered ends the call
 * cleanly rather than leaving the caller in silence.
 */
export class ParleyAgentSession extends voice.AgentSession {
  onProviderError?: (error: ProviderErrorEvent) => void;
  /** Offered every provider error, recoverable or not; returns true when it handled it. */
  divert?: (error: ProviderErrorEvent) => boolean;
  apologize?: () => Promise<void>;
  #ending = false;

  override _onError(error: ProviderErrorEvent): void {
    if (this.#ending) return;
    // Some plugins report their own aborted requests (barge-in, a closed stream) as failures.
    if (isCancellation(error.error)) return;
    this.onProviderError?.(error);
    if (this.divert?.(error)) return;
    if (error.recoverable) return super._onError(error);
    this.#ending = true;
    void (async () => {
      try {
        await this.apologize?.();
      } finally {
        super._onError(error);
      }
    })();
  }
}
