/** Offline speech-to-text with pocketsphinx. */
export { PocketsphinxSTT } from './stt.ts';
export { PocketsphinxSpeechStream } from './speech-stream.ts';
export {
  DEFAULT_POCKETSPHINX_MODEL_DIR,
  pocketsphinxAvailable,
  type PocketsphinxAvailability,
} from './availability.ts';
export {
  pocketsphinxLanguageModelSchema,
  pocketsphinxOptionsSchema,
  type PocketsphinxSTTOptions,
} from './options.ts';
export {
  buildArpaBigram,
  buildDomainLanguageModel,
  buildDomainLanguageModelFromFile,
  type DomainLanguageModel,
} from './language-model.ts';
export { normalizeTranscript, normalizeWords } from './normalize.ts';
export {
  DECODE_WORKER as POCKETSPHINX_WORKER_ENTRY,
  preparePocketsphinxWorker,
  type RecognizerReady,
} from './recognizer.ts';
