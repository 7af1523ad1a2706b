/** Messages between {@link ./recognizer.ts} (job thread) and {@link ./decode-worker.ts}. */

/** Which language model the worker loads. */
export type LanguageModelSource =
  | { kind: 'generic' }
  | { kind: 'domain'; phrases: string[]; scratchDir: string }
  | { kind: 'files'; languageModelPath: string; dictionaryPath: string };

/** Data the decode worker starts with. */
export interface DecodeWorkerData {
  modelDir: string;
  languageModel: LanguageModelSource;
  endSilenceMs: number;
  interimIntervalMs: number;
  /** `utterance`: a fresh decoder for every utterance (deterministic, costs a model load each). */
  decoderScope: 'stream' | 'utterance';
}

/** Job thread → worker. */
export type DecodeRequest =
  | { type: 'open'; streamId: number }
  | { type: 'audio'; streamId: number; samples: Int16Array }
  | { type: 'flush'; streamId: number }
  | { type: 'end'; streamId: number }
  | { type: 'close'; streamId: number }
  | { type: 'recognize'; requestId: number; samples: Int16Array }
  /** Free every decoder and exit (after the decode under way). */
  | { type: 'shutdown' };

/** A recognised utterance. Sample offsets count 16 kHz samples since the stream opened. */
export interface UtteranceResult {
  text: string;
  startSample: number;
  endSample: number;
  /** Worker time spent decoding this utterance, in milliseconds. */
  decodeMs: number;
}

/** Worker → job thread. */
export type DecodeResponse =
  | { type: 'ready'; loadMs: number; missingWords: string[]; vocabularySize?: number }
  | { type: 'failed'; message: string }
  | { type: 'speech-start'; streamId: number; startSample: number }
  | { type: 'interim'; streamId: number; text: string; startSample: number; endSample: number }
  | ({ type: 'final'; streamId: number } & UtteranceResult)
  | { type: 'ended'; streamId: number }
  | { type: 'stream-error'; streamId: number; message: string }
  | { type: 'result'; requestId: number; text: string; decodeMs: number }
  | { type: 'result-error'; requestId: number; message: string };
