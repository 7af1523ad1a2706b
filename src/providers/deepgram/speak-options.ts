/**
 * The settings of Deepgram Aura speech (`/v1/speak`, REST and websocket) and the query strings
 * that carry them, as `@livekit/agents-plugin-deepgram` 1.9 sends them.
 */
import type { DeepgramOrigins } from './urls.ts';

/** The voice Parley speaks with when an agent names none. */
export const DEFAULT_AURA_VOICE = 'aura-2-thalia-en';

/** Everything one `/v1/speak` request or connection is made with. */
export interface SpeakSettings {
  apiKey: string;
  origins: DeepgramOrigins;
  /** The Aura voice: Deepgram names each voice with its own model string (`aura-2-thalia-en`). */
  voice: string;
  /** Linear16 mono PCM is asked for at this rate (8000–48000). */
  sampleRate: number;
  /** Speaking rate, 0.7–1.5; Deepgram's default when unset. */
  speed?: number;
  /** Opt out of Deepgram's model improvement program. */
  mipOptOut: boolean;
}

/**
 * `POST {http}/v1/speak?…` (`rest`, raw PCM without a WAV header: `container=none`) or the
 * `{ws}/v1/speak?…` websocket.
 */
export function speakUrl(s: SpeakSettings, kind: 'rest' | 'ws'): URL {
  const url = new URL(`${kind === 'rest' ? s.origins.http : s.origins.ws}/v1/speak`);
  const q = url.searchParams;
  q.append('model', s.voice);
  q.append('encoding', 'linear16');
  q.append('sample_rate', String(s.sampleRate));
  if (kind === 'rest') q.append('container', 'none');
  q.append('mip_opt_out', String(s.mipOptOut));
  if (s.speed !== undefined) q.append('speed', String(s.speed));
  return url;
}
