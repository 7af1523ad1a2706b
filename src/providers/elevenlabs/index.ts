/** ElevenLabs: streaming text to speech, and the account's voice library. */
export { elevenlabsAccount } from './account.ts';
export { ELEVENLABS_API_ORIGIN, elevenlabsOrigin } from './base-url.ts';
export { elevenlabsFactories } from './factories.ts';
export {
  DEFAULT_VOICE_ID,
  ELEVENLABS_PCM_RATES,
  elevenlabsTtsOptions,
  languageFor,
  voiceSettingsOf,
} from './options.ts';
export { ElevenLabsTTS, upgradeStatus, type ElevenLabsTTSOptions } from './tts.ts';
export { isElevenLabsVoice, toCatalogVoice, toCatalogVoices, type ElevenLabsVoice } from './voices.ts';
