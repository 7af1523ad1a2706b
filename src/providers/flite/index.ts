/** Offline text-to-speech with flite. */
export { FliteTTS } from './tts.ts';
export { FliteChunkedStream } from './chunked-stream.ts';
export { FliteSynthesizeStream } from './synthesize-stream.ts';
export {
  FliteSynthesizer,
  SYNTH_WORKER as FLITE_WORKER_ENTRY,
  sharedFliteSynthesizer,
  withoutLeadIn,
  type FliteSynthesisResult,
} from './synthesizer.ts';
export { fliteOptionsSchema, type FliteTTSOptions } from './options.ts';
export { FLITE_SAMPLE_RATE, FLITE_VOICES, isFliteVoice, type FliteVoice } from './voices.ts';
export { SentenceBuffer, splitSentences } from './sentences.ts';
export { prepareFliteText } from './text.ts';
