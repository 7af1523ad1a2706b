/** Cartesia text-to-speech (Sonic) over its websocket and `/tts/bytes`, and the account's voices. */
export { CartesiaTTS } from './tts.ts';
export { CartesiaSynthesizeStream } from './synthesize-stream.ts';
export { CartesiaChunkedStream } from './chunked-stream.ts';
export { cartesiaFactories } from './factories.ts';
export { cartesiaAccount } from './account.ts';
export {
  CARTESIA_API_VERSION,
  CARTESIA_BASE_URL,
  CARTESIA_DEFAULT_SAMPLE_RATE,
  CARTESIA_SAMPLE_RATES,
  DEFAULT_CARTESIA_VOICE,
  cartesiaLanguage,
  cartesiaOptionsSchema,
  type CartesiaTTSOptions,
} from './options.ts';
export { websocketUrl } from './endpoints.ts';
export { catalogGender, catalogLanguage, toCatalogVoice, type CartesiaVoice } from './voice-mapping.ts';
