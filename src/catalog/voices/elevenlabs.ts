import { ELEVENLABS_V2_5_LANGUAGES } from '../languages.ts';
import type { CatalogVoice, VoiceGender } from '../types.ts';

const MODELS = ['eleven_flash_v2_5', 'eleven_turbo_v2_5', 'eleven_multilingual_v2'];
const LEGACY = 'Legacy premade voice: hidden from ElevenLabs’ default list, still addressable by id.';

// ElevenLabs voices speak every language of the model they run on; `language` is the accent they
// were recorded with, `languages` what the catalog's models can make them speak.
function voice(
  id: string,
  name: string,
  gender: VoiceGender,
  language: string,
  accent: string,
  description?: string,
): CatalogVoice {
  return {
    id,
    name,
    provider: 'elevenlabs',
    language,
    languages: ELEVENLABS_V2_5_LANGUAGES,
    gender,
    accent,
    ...(description ? { description } : {}),
    modelIds: MODELS,
    sampleRates: [16000, 22050, 24000, 44100],
  };
}

/** ElevenLabs' premade voices, with their public voice ids. */
export const elevenlabsVoices: CatalogVoice[] = [
  voice('EXAVITQu4vr4xnSDxMaL', 'Sarah', 'female', 'en-US', 'american', 'Formerly listed as "Bella".'),
  voice('9BWtsMINqrJLrRacOk9x', 'Aria', 'female', 'en-US', 'american'),
  voice('CwhRBWXzGAHq8TQ4Fs17', 'Roger', 'male', 'en-US', 'american'),
  voice('FGY2WhTYpPnrIDTdsKH5', 'Laura', 'female', 'en-US', 'american'),
  voice('IKne3meq5aSn9XLyUdCD', 'Charlie', 'male', 'en-AU', 'australian'),
  voice('JBFqnCBsd6RMkjVDRZzb', 'George', 'male', 'en-GB', 'british'),
  voice('N2lVS1w4EtoT3dr4eOWO', 'Callum', 'male', 'en', 'transatlantic'),
  voice('SAz9YHcvj6GT2YYXdXww', 'River', 'neutral', 'en-US', 'american'),
  voice('TX3LPaxmHKxFdv7VOQHJ', 'Liam', 'male', 'en-US', 'american'),
  voice('XB0fDUnXU5powFXDhCwa', 'Charlotte', 'female', 'en', 'swedish', 'English with a Swedish accent.'),
  voice('Xb7hH8MSUJpSbSDYk0k2', 'Alice', 'female', 'en-GB', 'british'),
  voice('XrExE9yKIg1WjnnlVkGX', 'Matilda', 'female', 'en-US', 'american'),
  voice('bIHbv24MWmeRgasZH58o', 'Will', 'male', 'en-US', 'american'),
  voice('cgSgspJ2msm6clMCkdW9', 'Jessica', 'female', 'en-US', 'american'),
  voice('cjVigY5qzO86Huf0OWal', 'Eric', 'male', 'en-US', 'american'),
  voice('iP95p4xoKVk53GoZ742B', 'Chris', 'male', 'en-US', 'american'),
  voice('nPczCjzI2devNBz1zQrb', 'Brian', 'male', 'en-US', 'american'),
  voice('onwK4e9ZLuTAKqWW03F9', 'Daniel', 'male', 'en-GB', 'british'),
  voice('pFZP5JQG7iQjIQuC4Bku', 'Lily', 'female', 'en-GB', 'british'),
  voice('pqHfZKP75CvOlQylNhV4', 'Bill', 'male', 'en-US', 'american'),
  voice('pNInz6obpgDQGcFmaJgB', 'Adam', 'male', 'en-US', 'american'),
  voice('21m00Tcm4TlvDq8ikWAM', 'Rachel', 'female', 'en-US', 'american', LEGACY),
  voice('AZnzlk1XvdvUeBnXmlld', 'Domi', 'female', 'en-US', 'american', LEGACY),
  voice('MF3mGyEYCl7XYWbV9V6O', 'Elli', 'female', 'en-US', 'american', LEGACY),
  voice('ErXwobaYiN019PkySvjV', 'Antoni', 'male', 'en-US', 'american', LEGACY),
  voice('TxGEqnHWrfWFTfGW9XjX', 'Josh', 'male', 'en-US', 'american', LEGACY),
  voice('VR6AewLTigWG4xSOukaG', 'Arnold', 'male', 'en-US', 'american', LEGACY),
  voice('yoZ06aMxZJJ28mfd3POQ', 'Sam', 'male', 'en-US', 'american', LEGACY),
];
