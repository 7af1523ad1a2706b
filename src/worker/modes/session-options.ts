import type { voice } from '@livekit/agents';
import { endpointingDelayMs, type VoiceBehaviour } from '../voice-params.ts';

/**
 * How often a failing provider request is retried before the error counts: three times, the
 * first after 100 ms (the framework's), then every 500 ms, since a caller is waiting.
 */
const PROVIDER_RETRIES = { maxRetry: 3, retryIntervalMs: 500, timeoutMs: 10_000 };

/** How a mode's models let the session answer sooner. */
export interface AnswerOptions {
  /**
   * Synthesize the reply while the endpointing delay runs (once the final transcript is in),
   * not after the turn ends: it plays as soon as the turn ends. A reply the caller talks over is
   * thrown away, so only for a TTS that costs nothing per request.
   */
  preemptiveTts?: boolean;
}

/** AgentSession options shared by every mode: turn handling and interruptions from the agent. */
export function sessionOptions(
  behaviour: VoiceBehaviour,
  answer: AnswerOptions = {},
): Partial<voice.AgentSessionOptions> {
  return {
    // VAD endpointing: the audio end-of-turn model needs its own 330 MB process per worker.
    turnHandling: {
      turnDetection: 'vad',
      endpointing: { minDelay: endpointingDelayMs(behaviour) },
      interruption: { enabled: behaviour.allowInterruptions },
      // The LLM always starts on the final transcript (the framework's default).
      preemptiveGeneration: { enabled: true, preemptiveTts: answer.preemptiveTts ?? false },
    },
    userAwayTimeout: null,
    connOptions: {
      sttConnOptions: PROVIDER_RETRIES,
      llmConnOptions: PROVIDER_RETRIES,
      ttsConnOptions: PROVIDER_RETRIES,
      // A turn that cannot be answered ends the call with an apology (ParleyAgentSession) rather
      // than leaving the caller in silence for up to three failed turns.
      maxUnrecoverableErrors: 0,
    },
  };
}

/** Room options: leave when the caller leaves, and close the room when the agent ends the call. */
export const roomOptions = {
  inputOptions: { closeOnDisconnect: true, deleteRoomOnClose: true },
  record: false,
} as const;
