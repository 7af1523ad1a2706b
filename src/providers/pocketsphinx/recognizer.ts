/**
 * Job-thread client of the pocketsphinx decode worker: starts it, routes stream events and
 * one-shot recognitions, and fails everything cleanly if the worker dies.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import {
  bundledWorkerUrl,
  siblingModuleUrl,
  spawnModuleWorker,
  stopWorker,
} from '../../runtime/module-worker.ts';
import type {
  DecodeRequest,
  DecodeResponse,
  DecodeWorkerData,
  LanguageModelSource,
  UtteranceResult,
} from './protocol.ts';

/** The decode worker's entry module. */
export const DECODE_WORKER = siblingModuleUrl(import.meta.url, 'decode-worker');

/** Builds the decode worker's bundle now (in a job's prewarm) rather than when a call first listens. */
export function preparePocketsphinxWorker(): void {
  if (DECODE_WORKER.pathname.endsWith('.ts')) bundledWorkerUrl(DECODE_WORKER);
}

/** What the worker reported once the model was loaded. */
export interface RecognizerReady {
  /** Worker start to model loaded, in milliseconds (includes building a domain LM). */
  loadMs: number;
  /** Domain-LM phrase words that are not in the dictionary and were dropped. */
  missingWords: string[];
  /** Number of words in a domain LM. */
  vocabularySize?: number;
}

/** Receives the events of one stream. */
export interface StreamListener {
  onSpeechStart(startSample: number): void;
  onInterim(text: string, startSample: number, endSample: number): void;
  onFinal(result: UtteranceResult): void;
  onError(error: Error): void;
}

/** Settings of {@link PocketsphinxRecognizer}, as resolved by the STT options. */
export type RecognizerSettings = Omit<DecodeWorkerData, 'languageModel'> & {
  languageModel:
    | { kind: 'generic' }
    | { kind: 'domain'; phrases: string[] }
    | Extract<LanguageModelSource, { kind: 'files' }>;
};

/** A handle on one open stream in the worker. */
export interface RecognizerStream {
  /** Sends 16 kHz mono audio (the array is transferred: do not reuse it). */
  write(samples: Int16Array): void;
  /** Ends the current utterance now (its final result follows). */
  flush(): void;
  /** Finalises the open utterance and resolves once its events were delivered. */
  end(): Promise<void>;
  /** Drops the stream immediately. */
  close(): void;
}

/** Owns one decode worker. */
export class PocketsphinxRecognizer {
  readonly #settings: RecognizerSettings;
  #worker: Worker | undefined;
  #ready: Promise<RecognizerReady> | undefined;
  #scratchDir: string | undefined;
  #listeners = new Map<number, StreamListener>();
  #ending = new Map<number, () => void>();
  #requests = new Map<
    number,
    { resolve: (r: { text: string; decodeMs: number }) => void; reject: (e: Error) => void }
  >();
  #nextId = 1;
  #closed = false;

  constructor(settings: RecognizerSettings) {
    this.#settings = settings;
  }

  /** Starts the worker if needed; resolves when the model is loaded. */
  ready(): Promise<RecognizerReady> {
    this.#ensureWorker();
    return this.#ready!;
  }

  /** Opens a decoding stream. */
  openStream(listener: StreamListener): RecognizerStream {
    const worker = this.#ensureWorker();
    const streamId = this.#nextId++;
    this.#listeners.set(streamId, listener);
    this.#updateRef();
    const send = (message: DecodeRequest, transfer: ArrayBuffer[] = []) => {
      if (this.#listeners.has(streamId)) worker.postMessage(message, transfer);
    };
    send({ type: 'open', streamId });
    return {
      write: (samples) => send({ type: 'audio', streamId, samples }, [samples.buffer as ArrayBuffer]),
      flush: () => send({ type: 'flush', streamId }),
      end: () =>
        new Promise<void>((resolve) => {
          if (!this.#listeners.has(streamId)) return resolve();
          this.#ending.set(streamId, resolve);
          send({ type: 'end', streamId });
        }),
      close: () => {
        send({ type: 'close', streamId });
        this.#dropStream(streamId);
      },
    };
  }

  /** Decodes a whole utterance of 16 kHz mono audio. */
  recognize(samples: Int16Array): Promise<{ text: string; decodeMs: number }> {
    const worker = this.#ensureWorker();
    const requestId = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#requests.set(requestId, { resolve, reject });
      this.#updateRef();
      worker.postMessage({ type: 'recognize', requestId, samples } satisfies DecodeRequest, [
        samples.buffer as ArrayBuffer,
      ]);
    });
  }

  /** Stops the worker and removes its files; outstanding work fails. */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    this.#failAll(new Error('pocketsphinx recognizer closed'));
    if (worker) await stopWorker(worker, { type: 'shutdown' } satisfies DecodeRequest);
    if (this.#scratchDir) rmSync(this.#scratchDir, { recursive: true, force: true });
  }

  #ensureWorker(): Worker {
    if (this.#closed) throw new Error('pocketsphinx recognizer is closed');
    if (this.#worker) return this.#worker;
    let languageModel: LanguageModelSource;
    if (this.#settings.languageModel.kind === 'domain') {
      this.#scratchDir ??= mkdtempSync(join(tmpdir(), 'parley-pocketsphinx-'));
      const dir = this.#scratchDir;
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      languageModel = { ...this.#settings.languageModel, scratchDir: dir };
    } else {
      languageModel = this.#settings.languageModel;
    }
    const workerData: DecodeWorkerData = { ...this.#settings, languageModel };
    const worker = spawnModuleWorker(DECODE_WORKER, { workerData });
    this.#worker = worker;
    this.#ready = new Promise<RecognizerReady>((resolve, reject) => {
      worker.on('message', (message: DecodeResponse) => {
        if (message.type === 'ready') {
          resolve({
            loadMs: message.loadMs,
            missingWords: message.missingWords,
            vocabularySize: message.vocabularySize,
          });
          this.#updateRef();
        } else if (message.type === 'failed') {
          const error = new Error(`pocketsphinx failed to start: ${message.message}`);
          reject(error);
          this.#failAll(error);
        } else {
          this.#dispatch(message);
        }
      });
      const onGone = (error: Error) => {
        if (this.#worker === worker) this.#worker = undefined;
        reject(error);
        this.#failAll(error);
      };
      worker.on('error', onGone);
      worker.on('exit', (code) => onGone(new Error(`pocketsphinx worker exited with code ${code}`)));
    });
    this.#ready.catch(() => {}); // reported to streams and requests
    return worker;
  }

  #dispatch(message: Exclude<DecodeResponse, { type: 'ready' | 'failed' }>): void {
    if (message.type === 'result' || message.type === 'result-error') {
      const request = this.#requests.get(message.requestId);
      this.#requests.delete(message.requestId);
      this.#updateRef();
      if (message.type === 'result') request?.resolve({ text: message.text, decodeMs: message.decodeMs });
      else request?.reject(new Error(`pocketsphinx recognition failed: ${message.message}`));
      return;
    }
    const listener = this.#listeners.get(message.streamId);
    if (!listener) return;
    switch (message.type) {
      case 'speech-start':
        listener.onSpeechStart(message.startSample);
        break;
      case 'interim':
        listener.onInterim(message.text, message.startSample, message.endSample);
        break;
      case 'final':
        listener.onFinal(message);
        break;
      case 'stream-error':
        listener.onError(new Error(`pocketsphinx decoding failed: ${message.message}`));
        break;
      case 'ended':
        this.#dropStream(message.streamId);
        break;
    }
  }

  #dropStream(streamId: number): void {
    this.#listeners.delete(streamId);
    const ended = this.#ending.get(streamId);
    this.#ending.delete(streamId);
    ended?.();
    this.#updateRef();
  }

  /** Keeps the process alive only while streams or requests are outstanding. */
  #updateRef(): void {
    if (!this.#worker) return;
    if (this.#listeners.size || this.#requests.size) this.#worker.ref();
    else this.#worker.unref();
  }

  #failAll(error: Error): void {
    for (const [id, listener] of [...this.#listeners]) {
      listener.onError(error);
      this.#dropStream(id);
    }
    for (const request of this.#requests.values()) request.reject(error);
    this.#requests.clear();
  }
}
