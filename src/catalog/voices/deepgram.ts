import type { CatalogVoice, VoiceGender } from '../types.ts';

// Deepgram names each Aura-2 voice with its own model string, `aura-2-<name>-<language>`; that
// string is the voice id. Gender is Deepgram's "expressed gender".

function aura2(
  name: string,
  language: string,
  gender: VoiceGender,
  accent?: string,
  description?: string,
): CatalogVoice {
  return {
    id: `aura-2-${name}-${language.slice(0, 2)}`,
    name: name.charAt(0).toUpperCase() + name.slice(1),
    provider: 'deepgram',
    language,
    gender,
    ...(accent ? { accent } : {}),
    ...(description ? { description } : {}),
    modelIds: ['aura-2'],
    sampleRates: [8000, 16000, 24000, 32000, 48000],
  };
}

/** A selection of Deepgram's Aura-2 voices: its featured English voices, other English accents, Spanish. */
export const deepgramVoices: CatalogVoice[] = [
  aura2('thalia', 'en-US', 'female', 'american', 'Clear, confident, energetic, enthusiastic.'),
  aura2('andromeda', 'en-US', 'female', 'american', 'Casual, expressive, comfortable.'),
  aura2('helena', 'en-US', 'female', 'american', 'Caring, natural, positive, friendly.'),
  aura2('apollo', 'en-US', 'male', 'american', 'Confident, comfortable, casual.'),
  aura2('arcas', 'en-US', 'male', 'american', 'Natural, smooth, clear, comfortable.'),
  aura2('aries', 'en-US', 'male', 'american', 'Warm, energetic, caring.'),
  aura2('asteria', 'en-US', 'female', 'american'),
  aura2('athena', 'en-US', 'female', 'american'),
  aura2('luna', 'en-US', 'female', 'american'),
  aura2('orion', 'en-US', 'male', 'american'),
  aura2('zeus', 'en-US', 'male', 'american'),
  aura2('draco', 'en-GB', 'male', 'british'),
  aura2('pandora', 'en-GB', 'female', 'british'),
  aura2('hyperion', 'en-AU', 'male', 'australian'),
  aura2('theia', 'en-AU', 'female', 'australian'),
  aura2('celeste', 'es', 'female'),
  aura2('estrella', 'es', 'female'),
  aura2('nestor', 'es', 'male'),
];
