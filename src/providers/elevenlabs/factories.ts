/** The registry's entry for ElevenLabs: the streaming TTS. */
import type { Factories } from '../types.ts';
import { elevenlabsTtsOptions } from './options.ts';
import { ElevenLabsTTS } from './tts.ts';

/** ElevenLabs factories, by capability. */
export const elevenlabsFactories: Factories = {
  TTS: (input) => new ElevenLabsTTS(elevenlabsTtsOptions(input)),
};
