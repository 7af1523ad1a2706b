/** Google Gemini through `@livekit/agents-plugin-google`: the Gemini API LLM and Gemini Live. */
import {
  baseUrlOf,
  numParam as num,
  requireKey,
  strParam as str,
  type Factories,
  type FactoryInput,
} from '../types.ts';
import { GEMINI_BASE_URL } from './base-url.ts';
import { GeminiLLM } from './llm.ts';
import { GeminiRealtimeModel } from './realtime-model.ts';

/** Gemini Live's default prebuilt voice. */
export const DEFAULT_GEMINI_VOICE = 'Puck';

/** `stsModelParams.modalities: ['text']`: the model answers in text for the agent's TTS to speak. */
function textOnly(params: FactoryInput['params']): boolean {
  const m = params.modalities;
  return Array.isArray(m) && m.length > 0 && m.every((x) => x === 'text');
}

export const googleFactories: Factories = {
  LLM: (i) =>
    new GeminiLLM({
      model: i.model.name,
      apiKey: requireKey(i),
      baseUrl: baseUrlOf(i.credentials, GEMINI_BASE_URL),
      temperature: num(i.params.temperature),
    }),
  STS: (i) =>
    new GeminiRealtimeModel({
      model: i.model.name,
      apiKey: requireKey(i),
      baseUrl: baseUrlOf(i.credentials, GEMINI_BASE_URL),
      voice: str(i.params.voice) ?? DEFAULT_GEMINI_VOICE,
      language: i.language,
      temperature: num(i.params.temperature),
      textOnly: textOnly(i.params),
    }),
};
