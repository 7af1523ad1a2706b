import { GEMINI_LIVE_LANGUAGES } from '../languages.ts';
import type { CatalogVoice, VoiceGender } from '../types.ts';

// Gemini Live's prebuilt voices, usable by every Gemini Live (STS) model. Styles are Google's own
// one-word descriptions; genders are those Google gives the same voices in Cloud Text-to-Speech
// (Chirp 3 HD).
const STS_MODELS = [
  'gemini-3.1-flash-live-preview',
  'gemini-live-2.5-flash-preview',
  'gemini-2.0-flash-live-001',
];

function voice(name: string, gender: VoiceGender, style: string): CatalogVoice {
  return {
    id: name,
    name,
    provider: 'google',
    // The voices speak the session's language; English is their default.
    language: 'en',
    languages: GEMINI_LIVE_LANGUAGES,
    gender,
    description: `${style}.`,
    modelIds: STS_MODELS,
    sampleRates: [24000],
  };
}

/** The Gemini Live voices, selected with `stsModelParams.voice`. */
export const googleVoices: CatalogVoice[] = [
  voice('Puck', 'male', 'Upbeat'),
  voice('Charon', 'male', 'Informative'),
  voice('Kore', 'female', 'Firm'),
  voice('Fenrir', 'male', 'Excitable'),
  voice('Aoede', 'female', 'Breezy'),
  voice('Leda', 'female', 'Youthful'),
  voice('Orus', 'male', 'Firm'),
  voice('Zephyr', 'female', 'Bright'),
];
