/**
 * How an agent's TTS settings become `@livekit/agents-plugin-elevenlabs` options: the voice
 * (`ttsModelParams.voice`, default Rachel), the catalog model, the language where the model takes
 * one, voice settings, and the PCM rate.
 */
import type * as elevenlabs from '@livekit/agents-plugin-elevenlabs';
import { numParam, requireKey, strParam, type FactoryInput } from '../types.ts';
import { elevenlabsOrigin } from './base-url.ts';
import type { ElevenLabsTTSOptions } from './tts.ts';

/** Rachel, the voice ElevenLabs' own examples use. */
export const DEFAULT_VOICE_ID = '21m00Tcm4TlvDq8ikWAM';

/** PCM rates ElevenLabs streams that Parley offers (`ttsModelParams.sampleRate`). */
export const ELEVENLABS_PCM_RATES = [16000, 22050, 24000, 44100] as const;

/** The plugin's default, `pcm_22050`. */
const DEFAULT_RATE = 22050;

/**
 * Models that accept `language_code`. ElevenLabs documents language enforcement for the v2.5
 * models only; Multilingual v2 detects the language from the text.
 */
const LANGUAGE_CODE_MODELS = new Set(['eleven_flash_v2_5', 'eleven_turbo_v2_5']);

/** ElevenLabs' documented defaults, sent for the settings an agent leaves out. */
const DEFAULT_STABILITY = 0.5;
const DEFAULT_SIMILARITY_BOOST = 0.75;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * Voice settings from `speed` (ElevenLabs accepts 0.7–1.2), `stability` and `similarityBoost`
 * (0–1), clamped to those ranges; undefined when the agent sets none, so the voice's own saved
 * settings apply. ElevenLabs requires stability and similarity boost together, so a lone `speed`
 * is sent with their defaults.
 */
export function voiceSettingsOf(params: Record<string, unknown>): elevenlabs.VoiceSettings | undefined {
  const speed = numParam(params.speed);
  const stability = numParam(params.stability);
  const similarity = numParam(params.similarityBoost);
  if (speed === undefined && stability === undefined && similarity === undefined) return undefined;
  return {
    stability: clamp(stability ?? DEFAULT_STABILITY, 0, 1),
    similarity_boost: clamp(similarity ?? DEFAULT_SIMILARITY_BOOST, 0, 1),
    ...(speed !== undefined ? { speed: clamp(speed, 0.7, 1.2) } : {}),
  };
}

/** The language to enforce: the agent's, when the model takes a language and lists this one. */
export function languageFor(input: Pick<FactoryInput, 'model' | 'language'>): string | undefined {
  if (!input.language || !LANGUAGE_CODE_MODELS.has(input.model.name)) return undefined;
  const base = input.language.split('-')[0]!.toLowerCase();
  return input.model.languages === undefined || input.model.languages.includes(base)
    ? input.language
    : undefined;
}

/** The plugin options for an agent's ElevenLabs TTS. */
export function elevenlabsTtsOptions(input: FactoryInput): ElevenLabsTTSOptions {
  const rate = numParam(input.params.sampleRate);
  const pcmRate = (ELEVENLABS_PCM_RATES as readonly number[]).includes(rate ?? NaN) ? rate! : DEFAULT_RATE;
  const language = languageFor(input);
  const voiceSettings = voiceSettingsOf(input.params);
  return {
    apiKey: requireKey(input),
    baseURL: `${elevenlabsOrigin(input.credentials)}/v1`,
    voiceId: strParam(input.params.voice) ?? DEFAULT_VOICE_ID,
    model: input.model.name,
    // The plugin's encoding type omits pcm_24000, which ElevenLabs serves and the plugin handles.
    encoding: `pcm_${pcmRate}` as elevenlabs.TTSEncoding,
    ...(language ? { language } : {}),
    ...(voiceSettings ? { voiceSettings } : {}),
  };
}
