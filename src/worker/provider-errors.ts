import type { SessionEvent } from '../db/schema.ts';
import type { ProviderErrorEvent } from './modes/parley-session.ts';

const CAPABILITY: Record<ProviderErrorEvent['type'], SessionEvent['capability']> = {
  stt_error: 'STT',
  llm_error: 'LLM',
  tts_error: 'TTS',
  realtime_model_error: 'STS',
};

/**
 * A framework provider error as an entry of the session's event timeline. `retryable` is what the
 * provider error says (agents' API errors carry it: 429, 5xx and dropped connections are); errors
 * without the flag are not retryable.
 */
export function providerErrorEvent(
  error: ProviderErrorEvent,
  /** What the agent uses for each capability (`openai/gpt-realtime`), for errors without a label. */
  models: Partial<Record<SessionEvent['capability'], string>> = {},
): Omit<SessionEvent, 'at'> {
  const retryable = (error.error as { retryable?: unknown }).retryable === true;
  const capability = CAPABILITY[error.type];
  return {
    type: 'provider_error',
    capability,
    provider: error.label || models[capability] || 'unknown',
    message: (error.error?.message ?? String(error.error)).slice(0, 500),
    retryable,
    recoverable: error.recoverable,
  };
}
