import { deepFreeze } from '../freeze.ts';
import type { CatalogVoice } from '../types.ts';
import { cartesiaVoices } from './cartesia.ts';
import { deepgramVoices } from './deepgram.ts';
import { elevenlabsVoices } from './elevenlabs.ts';
import { googleVoices } from './google.ts';
import { localVoices } from './local.ts';
import { openaiVoices } from './openai.ts';

/** Every built-in voice, grouped by provider in the catalog's provider order. */
export const builtinVoices: readonly CatalogVoice[] = deepFreeze([
  ...localVoices,
  ...openaiVoices,
  ...deepgramVoices,
  ...elevenlabsVoices,
  ...cartesiaVoices,
  ...googleVoices,
]);
