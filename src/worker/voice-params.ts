import type { AgentRow } from './load.ts';

/** The agent's voice behaviour with Parley's defaults filled in. */
export interface VoiceBehaviour {
  welcomeMode: 'aiInitiatesStatic' | 'aiInitiatesDynamic' | 'userInitiatesWait';
  welcomeText?: string;
  welcomePrompt?: string;
  allowInterruptions: boolean;
  welcomeAllowInterruptions: boolean;
  /** Milliseconds of silence before the user's turn ends. */
  minEndpointingDelayMs: number;
  maxDurationSeconds: number;
  idleTimeoutSeconds: number;
  hybridMaxFirstAudioMs: number;
}

export const DEFAULT_MAX_DURATION_SECONDS = 1800;
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 120;
export const DEFAULT_HYBRID_MAX_FIRST_AUDIO_MS = 1500;

/** silero's own end-of-speech silence (ms); the VAD never waits longer. */
const VAD_SILENCE_MAX_MS = 550;
/** Shorter VAD silences would end speech in the pauses inside a sentence. */
const VAD_SILENCE_MIN_MS = 200;

/**
 * How late silero marks the start of the caller's silence (ms). It smooths its speech
 * probability across 32 ms windows, so the first window it calls silent ends 60–100 ms after the
 * voice stopped (measured on flite speech: src/providers/vad/vad.test.ts checks it), and its
 * end-of-speech silence counts from that mark. The session's end of speech does not: the worker's
 * VAD moves it back to where the voice stopped, turn by turn (src/providers/vad/acoustic-end.ts).
 */
export const VAD_SILENCE_LAG_MS = 80;

/**
 * The endpointing delay: the agent's `minEndpointingDelay`, counted from where the caller's voice
 * stopped (the session's end of speech, see {@link VAD_SILENCE_LAG_MS}).
 */
export function endpointingDelayMs(b: Pick<VoiceBehaviour, 'minEndpointingDelayMs'>): number {
  return Math.max(0, b.minEndpointingDelayMs);
}

/**
 * How long the VAD waits in silence before it ends the caller's speech. The turn ends once the VAD
 * has done so and the endpointing delay has passed since the last speech, so a longer VAD silence
 * would be the real floor of the delay and a shorter `minEndpointingDelay` would do nothing. It
 * follows the delay less the VAD's mean lag, within bounds. An STT that transcribes whole
 * utterances (`wholeUtterances`) is sent the audio up to each VAD end of speech, so there the VAD
 * waits the full delay: a pause inside a sentence that ended speech would cut the sentence in two.
 */
export function vadSilenceMs(
  b: Pick<VoiceBehaviour, 'minEndpointingDelayMs'>,
  opts: { wholeUtterances?: boolean } = {},
): number {
  const silence = opts.wholeUtterances
    ? b.minEndpointingDelayMs
    : b.minEndpointingDelayMs - VAD_SILENCE_LAG_MS;
  return Math.min(VAD_SILENCE_MAX_MS, Math.max(VAD_SILENCE_MIN_MS, silence));
}

/**
 * The silence after the caller's voice stopped after which the turn ends (with a streaming STT):
 * the VAD's, from its late mark, or the endpointing delay, whichever ends later.
 */
export function turnSilenceMs(b: Pick<VoiceBehaviour, 'minEndpointingDelayMs'>): number {
  return Math.max(vadSilenceMs(b) + VAD_SILENCE_LAG_MS, endpointingDelayMs(b));
}

/** Reads `voiceParams` (validated on write) into typed settings. */
export function voiceBehaviour(agent: AgentRow): VoiceBehaviour {
  const p = (agent.voiceParams ?? {}) as Record<string, unknown>;
  const hybrid = (p.hybrid ?? {}) as Record<string, unknown>;
  const allowInterruptions = p.allowInterruptions !== false;
  const welcomeMode =
    p.welcomeMode === 'aiInitiatesDynamic' || p.welcomeMode === 'userInitiatesWait'
      ? p.welcomeMode
      : p.welcomeText || p.welcomeMode === 'aiInitiatesStatic'
        ? 'aiInitiatesStatic'
        : 'userInitiatesWait';
  return {
    welcomeMode,
    welcomeText: typeof p.welcomeText === 'string' ? p.welcomeText : undefined,
    welcomePrompt: typeof p.welcomePrompt === 'string' ? p.welcomePrompt : undefined,
    allowInterruptions,
    welcomeAllowInterruptions: agent.welcomeAllowInterruptions ?? allowInterruptions,
    minEndpointingDelayMs: typeof p.minEndpointingDelay === 'number' ? p.minEndpointingDelay * 1000 : 500,
    maxDurationSeconds:
      typeof p.maxDurationInSeconds === 'number' ? p.maxDurationInSeconds : DEFAULT_MAX_DURATION_SECONDS,
    idleTimeoutSeconds:
      typeof p.idleTimeoutInSeconds === 'number' ? p.idleTimeoutInSeconds : DEFAULT_IDLE_TIMEOUT_SECONDS,
    hybridMaxFirstAudioMs:
      typeof hybrid.maxFirstAudioMs === 'number' ? hybrid.maxFirstAudioMs : DEFAULT_HYBRID_MAX_FIRST_AUDIO_MS,
  };
}

/** Phrases the caller is likely to say: STT key terms plus the rules' example phrases. */
export function expectedPhrases(agent: AgentRow): string[] {
  const phrases: string[] = [];
  const keyTerms = (agent.sttModelParams as { keyTerms?: unknown } | null)?.keyTerms;
  if (Array.isArray(keyTerms)) phrases.push(...keyTerms.filter((k): k is string => typeof k === 'string'));
  const intents = (agent.llmModelParams as { intents?: unknown } | null)?.intents;
  if (Array.isArray(intents)) {
    for (const intent of intents as { examples?: unknown }[]) {
      if (Array.isArray(intent?.examples))
        phrases.push(...intent.examples.filter((e): e is string => typeof e === 'string'));
    }
  }
  return phrases;
}
