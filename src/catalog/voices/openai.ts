import { OPENAI_SPEECH_LANGUAGES } from '../languages.ts';
import type { CatalogVoice, VoiceGender } from '../types.ts';

// OpenAI publishes no genders for its voices. These follow how the voices are commonly described,
// and are `neutral` where that description is ambiguous (alloy, fable).

const TTS_ALL = ['tts-1', 'tts-1-hd', 'gpt-4o-mini-tts'];
/** Voices added after tts-1 speak only through gpt-4o-mini-tts. */
const TTS_NEW = ['gpt-4o-mini-tts'];
const REALTIME = ['gpt-realtime', 'gpt-realtime-mini'];

function voice(id: string, gender: VoiceGender, models: string[], description: string): CatalogVoice {
  return {
    id,
    name: id.charAt(0).toUpperCase() + id.slice(1),
    provider: 'openai',
    // The voices speak every supported language; English is the one they are tuned on.
    language: 'en',
    languages: OPENAI_SPEECH_LANGUAGES,
    gender,
    description,
    modelIds: models,
    sampleRates: [24000],
  };
}

/** OpenAI's built-in voices, for its TTS models and (where supported) its realtime models. */
export const openaiVoices: CatalogVoice[] = [
  voice('alloy', 'neutral', [...TTS_ALL, ...REALTIME], 'Neutral and balanced.'),
  voice('ash', 'male', [...TTS_ALL, ...REALTIME], 'Clear and confident.'),
  voice('ballad', 'male', [...TTS_NEW, ...REALTIME], 'Warm, expressive, with a British lilt.'),
  voice('coral', 'female', [...TTS_ALL, ...REALTIME], 'Warm and friendly.'),
  voice('echo', 'male', [...TTS_ALL, ...REALTIME], 'Resonant and even.'),
  voice('fable', 'neutral', TTS_ALL, 'Expressive, with a British accent.'),
  voice('nova', 'female', TTS_ALL, 'Bright and energetic.'),
  voice('onyx', 'male', TTS_ALL, 'Deep and authoritative.'),
  voice('sage', 'female', [...TTS_ALL, ...REALTIME], 'Calm and thoughtful.'),
  voice('shimmer', 'female', [...TTS_ALL, ...REALTIME], 'Soft and gentle.'),
  voice('verse', 'male', [...TTS_NEW, ...REALTIME], 'Versatile and expressive.'),
  voice(
    'marin',
    'female',
    [...TTS_NEW, ...REALTIME],
    'Natural and conversational; OpenAI recommends it for quality.',
  ),
  voice(
    'cedar',
    'male',
    [...TTS_NEW, ...REALTIME],
    'Natural and conversational; OpenAI recommends it for quality.',
  ),
];
