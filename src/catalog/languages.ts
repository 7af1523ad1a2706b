/**
 * Language sets vendors document for their speech models, as BCP-47 base tags. A voice or model
 * lists them so `language=fr` finds everything that can speak French.
 */

/**
 * The 57 languages OpenAI lists for Whisper; its transcription, speech and realtime models are
 * documented against the same list.
 */
// prettier-ignore
export const OPENAI_SPEECH_LANGUAGES = [
  'af', 'ar', 'az', 'be', 'bg', 'bs', 'ca', 'cs', 'cy', 'da', 'de', 'el', 'en', 'es', 'et', 'fa', 'fi', 'fr',
  'gl', 'he', 'hi', 'hr', 'hu', 'hy', 'id', 'is', 'it', 'ja', 'kk', 'kn', 'ko', 'lt', 'lv', 'mi', 'mk', 'mr',
  'ms', 'ne', 'nl', 'no', 'pl', 'pt', 'ro', 'ru', 'sk', 'sl', 'sr', 'sv', 'sw', 'ta', 'th', 'tl', 'tr', 'uk',
  'ur', 'vi', 'zh',
];

/** ElevenLabs Multilingual v2: 29 languages. */
// prettier-ignore
export const ELEVENLABS_MULTILINGUAL_V2_LANGUAGES = [
  'ar', 'bg', 'cs', 'da', 'de', 'el', 'en', 'es', 'fi', 'fil', 'fr', 'hi', 'hr', 'id', 'it', 'ja', 'ko', 'ms',
  'nl', 'pl', 'pt', 'ro', 'ru', 'sk', 'sv', 'ta', 'tr', 'uk', 'zh',
];

/** ElevenLabs Flash v2.5 and Turbo v2.5: Multilingual v2's languages plus Hungarian, Norwegian and Vietnamese. */
export const ELEVENLABS_V2_5_LANGUAGES = [...ELEVENLABS_MULTILINGUAL_V2_LANGUAGES, 'hu', 'no', 'vi'].sort();

/** Deepgram Nova-3's multilingual (code-switching) set; Deepgram adds monolingual languages over time. */
export const DEEPGRAM_NOVA_3_LANGUAGES = ['de', 'en', 'es', 'fr', 'hi', 'it', 'ja', 'nl', 'pt', 'ru'];

/** Deepgram Nova-2's languages. */
// prettier-ignore
export const DEEPGRAM_NOVA_2_LANGUAGES = [
  'bg', 'ca', 'cs', 'da', 'de', 'el', 'en', 'es', 'et', 'fi', 'fr', 'hi', 'hu', 'id', 'it', 'ja', 'ko', 'lt',
  'lv', 'ms', 'nl', 'no', 'pl', 'pt', 'ro', 'ru', 'sk', 'sv', 'th', 'tr', 'uk', 'vi', 'zh',
];

/** Deepgram Aura-2's languages (each voice speaks one of them; its id ends with the language). */
export const DEEPGRAM_AURA_2_LANGUAGES = ['de', 'en', 'es', 'fr', 'it', 'ja', 'nl'];

/** Cartesia Sonic-3's 42 languages. */
// prettier-ignore
export const CARTESIA_SONIC_3_LANGUAGES = [
  'ar', 'bg', 'bn', 'cs', 'da', 'de', 'el', 'en', 'es', 'fi', 'fr', 'gu', 'he', 'hi', 'hr', 'hu', 'id', 'it',
  'ja', 'ka', 'kn', 'ko', 'ml', 'mr', 'ms', 'nl', 'no', 'pa', 'pl', 'pt', 'ro', 'ru', 'sk', 'sv', 'ta', 'te',
  'th', 'tl', 'tr', 'uk', 'vi', 'zh',
];

/** Cartesia Sonic-2's languages since Cartesia retired its other languages on 2026-06-01. */
export const CARTESIA_SONIC_2_LANGUAGES = ['de', 'en', 'es', 'fr', 'ja', 'ko', 'pt', 'zh'];

/** Cartesia Sonic Turbo's languages since 2026-06-01: Sonic-2's plus Hindi. */
export const CARTESIA_SONIC_TURBO_LANGUAGES = [...CARTESIA_SONIC_2_LANGUAGES, 'hi'].sort();

/** The languages Google documents for the Gemini Live API. */
// prettier-ignore
export const GEMINI_LIVE_LANGUAGES = [
  'ar', 'bn', 'de', 'en', 'es', 'fr', 'gu', 'hi', 'id', 'it', 'ja', 'kn', 'ko', 'ml', 'mr', 'nl', 'pl', 'pt',
  'ru', 'ta', 'te', 'th', 'tr', 'vi', 'zh',
];
