/**
 * Worker-thread entry for pocketsphinx. Owns every decoder of one {@link PocketsphinxSTT}: one per
 * open stream (or per utterance) plus one for non-streaming recognition. All native calls are
 * synchronous, which is why they live here and not on the job's event loop.
 *
 * Streaming endpointing uses pocketsphinx's own voice activity detector (`ps_get_in_speech`): an
 * utterance ends after `endSilenceMs` of non-speech, or on a flush.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { modelPaths } from './availability.ts';
import { loadPocketsphinxBinding } from './binding.ts';
import { type DecoderConfig, PocketsphinxDecoder } from './decoder.ts';
import { buildDomainLanguageModelFromFile } from './language-model.ts';
import type { DecodeRequest, DecodeResponse, DecodeWorkerData } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('decode-worker must run in a worker thread');
const options = workerData as DecodeWorkerData;
const post = (message: DecodeResponse) => port.postMessage(message);

/** Per-stream decoding state. */
interface StreamState {
  decoder: PocketsphinxDecoder | undefined;
  samplesFed: number;
  inSpeech: boolean;
  speechStartSample: number;
  lastInterimSample: number;
  lastInterimText: string;
  decodeMs: number;
}

const PRESPEECH_SAMPLES = 20 * 160; // pocketsphinx's -vad_prespeech default, 20 frames of 10 ms

let config: DecoderConfig;
/** A loaded, never-used decoder, so a new stream or utterance starts without a model load. */
let spareDecoder: PocketsphinxDecoder | undefined;
let shuttingDown = false;
/** Decoder for 'recognize' requests in 'stream' scope (reused across calls). */
let batchDecoder: PocketsphinxDecoder | undefined;
const streams = new Map<number, StreamState>();

try {
  const started = performance.now();
  const binding = loadPocketsphinxBinding();
  const paths = modelPaths(options.modelDir);
  let missingWords: string[] = [];
  let vocabularySize: number | undefined;
  config = {
    acousticModel: paths.acousticModel,
    languageModel: paths.languageModel,
    dictionary: paths.dictionary,
    endSilenceMs: options.endSilenceMs,
  };
  const source = options.languageModel;
  if (source.kind === 'domain') {
    const model = buildDomainLanguageModelFromFile(source.phrases, paths.dictionary);
    mkdirSync(source.scratchDir, { recursive: true });
    config.languageModel = join(source.scratchDir, 'domain.lm');
    config.dictionary = join(source.scratchDir, 'domain.dict');
    writeFileSync(config.languageModel, model.arpa);
    writeFileSync(config.dictionary, model.dictionary);
    missingWords = model.missingWords;
    vocabularySize = model.words.length;
  } else if (source.kind === 'files') {
    config.languageModel = source.languageModelPath;
    config.dictionary = source.dictionaryPath;
  }
  // Load one decoder now: it validates the model and makes the first stream fast.
  spareDecoder = new PocketsphinxDecoder(binding, config);
  post({ type: 'ready', loadMs: performance.now() - started, missingWords, vocabularySize });
} catch (error) {
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}

/** A fresh decoder: the spare if there is one, else a new load. */
function freshDecoder(): PocketsphinxDecoder {
  const decoder = spareDecoder ?? new PocketsphinxDecoder(loadPocketsphinxBinding(), config);
  spareDecoder = undefined;
  return decoder;
}

/** Loads a new spare after the current messages are handled (it blocks this thread for the load). */
function refillSpare(): void {
  setImmediate(() => {
    if (!spareDecoder && !shuttingDown)
      spareDecoder = new PocketsphinxDecoder(loadPocketsphinxBinding(), config);
  });
}

function finishUtterance(streamId: number, state: StreamState): void {
  const decoder = state.decoder;
  if (!decoder) return;
  const t0 = performance.now();
  const text = decoder.end();
  state.decodeMs += performance.now() - t0;
  if (state.inSpeech || text) {
    post({
      type: 'final',
      streamId,
      text,
      startSample: state.speechStartSample,
      endSample: state.samplesFed,
      decodeMs: state.decodeMs,
    });
  }
  state.inSpeech = false;
  state.lastInterimText = '';
  state.decodeMs = 0;
  if (options.decoderScope === 'utterance') {
    decoder.free();
    state.decoder = undefined;
    refillSpare();
  }
}

function onAudio(streamId: number, state: StreamState, samples: Int16Array): void {
  state.decoder ??= freshDecoder();
  const t0 = performance.now();
  state.decoder.process(samples);
  state.samplesFed += samples.length;
  const inSpeech = state.decoder.inSpeech;
  if (!state.inSpeech && inSpeech) {
    state.inSpeech = true;
    state.speechStartSample = Math.max(0, state.samplesFed - samples.length - PRESPEECH_SAMPLES);
    state.lastInterimSample = state.samplesFed;
    post({ type: 'speech-start', streamId, startSample: state.speechStartSample });
  }
  if (
    state.inSpeech &&
    inSpeech &&
    state.samplesFed - state.lastInterimSample >= options.interimIntervalMs * 16
  ) {
    state.lastInterimSample = state.samplesFed;
    const text = state.decoder.hypothesis();
    state.decodeMs += performance.now() - t0;
    if (text && text !== state.lastInterimText) {
      state.lastInterimText = text;
      post({
        type: 'interim',
        streamId,
        text,
        startSample: state.speechStartSample,
        endSample: state.samplesFed,
      });
    }
    return;
  }
  state.decodeMs += performance.now() - t0;
  if (state.inSpeech && !inSpeech) finishUtterance(streamId, state);
}

function handle(message: DecodeRequest): void {
  if (message.type === 'shutdown') {
    shuttingDown = true;
    for (const state of streams.values()) state.decoder?.free();
    spareDecoder?.free();
    spareDecoder = undefined;
    streams.clear();
    batchDecoder?.free();
    batchDecoder = undefined;
    port!.close(); // narrowed at the top of the module
    return;
  }
  if (message.type === 'recognize') {
    try {
      const t0 = performance.now();
      let text: string;
      if (options.decoderScope === 'utterance') {
        const decoder = freshDecoder();
        text = decoder.decode(message.samples);
        decoder.free();
        refillSpare();
      } else {
        if (!batchDecoder) {
          batchDecoder = freshDecoder();
          refillSpare();
        }
        text = batchDecoder.decode(message.samples);
      }
      post({ type: 'result', requestId: message.requestId, text, decodeMs: performance.now() - t0 });
    } catch (error) {
      post({ type: 'result-error', requestId: message.requestId, message: String(error) });
    }
    return;
  }
  const { streamId } = message;
  if (message.type === 'open') {
    streams.set(streamId, {
      decoder: undefined,
      samplesFed: 0,
      inSpeech: false,
      speechStartSample: 0,
      lastInterimSample: 0,
      lastInterimText: '',
      decodeMs: 0,
    });
    return;
  }
  const state = streams.get(streamId);
  if (!state) return; // closed meanwhile
  try {
    switch (message.type) {
      case 'audio':
        onAudio(streamId, state, message.samples);
        break;
      case 'flush':
        finishUtterance(streamId, state);
        break;
      case 'end':
      case 'close':
        if (message.type === 'end') finishUtterance(streamId, state);
        state.decoder?.free();
        streams.delete(streamId);
        refillSpare();
        if (message.type === 'end') post({ type: 'ended', streamId });
        break;
    }
  } catch (error) {
    post({ type: 'stream-error', streamId, message: error instanceof Error ? error.message : String(error) });
  }
}

port.on('message', handle);
