/** Catalog models → Cartesia provider objects. */
import { baseUrlOf, numParam, requireKey, strParam, type Factories } from '../types.ts';
import { CARTESIA_BASE_URL, DEFAULT_CARTESIA_VOICE } from './options.ts';
import { CartesiaTTS } from './tts.ts';

/**
 * Cartesia's factories. TTS: the catalog model name is Cartesia's `model_id`; `ttsModelParams.voice`
 * is a voice id (default: the catalog's first Cartesia voice) and `ttsModelParams.speed` an
 * optional rate (0.6 – 1.5); the agent's language is sent as its primary subtag.
 */
export const cartesiaFactories: Factories = {
  TTS: (i) =>
    new CartesiaTTS({
      apiKey: requireKey(i),
      baseUrl: baseUrlOf(i.credentials, CARTESIA_BASE_URL),
      model: i.model.name,
      voice: strParam(i.params.voice) ?? DEFAULT_CARTESIA_VOICE,
      language: i.language,
      speed: numParam(i.params.speed),
    }),
};
