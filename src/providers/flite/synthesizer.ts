/**
 * Job-thread client of the flite synthesis worker: queues requests, matches replies, handles
 * aborts and worker crashes. One worker (and one compiled wasm module) serves every
 * {@link FliteTTS} in the process through {@link sharedFliteSynthesizer}.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { soundStart } from '../../audio/pcm.ts';
import { siblingModuleUrl, spawnModuleWorker, stopWorker } from '../../runtime/module-worker.ts';
import type { FliteRequest, FliteResponse, FliteWorkerData } from './protocol.ts';
import type { FliteVoice } from './voices.ts';

/** The synthesis worker's entry module. */
export const SYNTH_WORKER = siblingModuleUrl(import.meta.url, 'synth-worker');

/** Audio for one request, with the worker's compute time. */
export interface FliteSynthesisResult {
  samples: Int16Array;
  sampleRate: number;
  /** Time the worker spent in flite, in milliseconds. */
  synthMs: number;
}

/**
 * The audio without flite's lead-in: flite starts every sentence with 150–250 ms of near-silence,
 * which a caller hears as that much more delay before the agent answers (and between sentences,
 * on top of the silence each sentence ends with). The rise of a soft onset and 10 ms of quiet
 * before it are kept.
 */
export function withoutLeadIn(audio: Pick<FliteSynthesisResult, 'samples' | 'sampleRate'>): Int16Array {
  return audio.samples.subarray(soundStart(audio.samples, audio.sampleRate));
}

interface PendingRequest {
  resolve: (result: FliteSynthesisResult) => void;
  reject: (error: Error) => void;
  detach: () => void;
}

let processScratchDir: string | undefined;
let workersStarted = 0;

/** A private directory under the OS temp dir, created once per process and removed at exit. */
function scratchDirForProcess(): string {
  if (!processScratchDir) {
    const dir = mkdtempSync(join(tmpdir(), 'parley-flite-'));
    processScratchDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return processScratchDir;
}

function abortError(): Error {
  return new DOMException('flite synthesis aborted', 'AbortError');
}

/** Runs flite in a worker thread so synthesis never blocks the caller's event loop. */
export class FliteSynthesizer {
  #worker: Worker | undefined;
  #ready: Promise<number> | undefined;
  #pending = new Map<number, PendingRequest>();
  #nextId = 1;
  #refs = 0;
  #workerScratchDir: string | undefined;

  /** Starts the worker if needed and resolves with its wasm compile time in ms once it is ready. */
  warmup(): Promise<number> {
    this.#ensureWorker();
    return this.#ready!;
  }

  /**
   * Synthesizes prepared text. Rejects with an `AbortError` as soon as `signal` aborts; a request
   * still waiting in the worker's queue is then dropped there too.
   */
  synthesize(
    text: string,
    voice: FliteVoice,
    durationStretch = 1,
    signal?: AbortSignal,
  ): Promise<FliteSynthesisResult> {
    if (signal?.aborted) return Promise.reject(abortError());
    const worker = this.#ensureWorker();
    const id = this.#nextId++;
    return new Promise<FliteSynthesisResult>((resolve, reject) => {
      const onAbort = () => {
        this.#settle(id);
        worker.postMessage({ type: 'cancel', id } satisfies FliteRequest);
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, { resolve, reject, detach: () => signal?.removeEventListener('abort', onAbort) });
      worker.ref(); // keep the process alive while work is outstanding
      worker.postMessage({ type: 'synthesize', id, text, voice, durationStretch } satisfies FliteRequest);
    });
  }

  /** Counts a user (a TTS instance); pair with {@link release}. */
  retain(): void {
    this.#refs++;
  }

  /** Drops a user; the worker stops when the last one is gone (it restarts on the next request). */
  async release(): Promise<void> {
    this.#refs = Math.max(0, this.#refs - 1);
    if (this.#refs === 0) await this.close();
  }

  /** Stops the worker now, rejecting outstanding requests. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#ready = undefined;
    this.#failAll(new Error('flite synthesizer closed'));
    if (worker) await stopWorker(worker, { type: 'shutdown' } satisfies FliteRequest);
    if (this.#workerScratchDir) rmSync(this.#workerScratchDir, { recursive: true, force: true });
    this.#workerScratchDir = undefined;
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    // Numbered per process, not per synthesizer: two synthesizers must never share a directory.
    const scratchDir = join(scratchDirForProcess(), `w${++workersStarted}`);
    mkdirSync(scratchDir, { recursive: true });
    this.#workerScratchDir = scratchDir;
    const worker = spawnModuleWorker(SYNTH_WORKER, {
      workerData: { scratchDir } satisfies FliteWorkerData,
    });
    this.#worker = worker;
    this.#ready = new Promise<number>((resolve, reject) => {
      const onMessage = (message: FliteResponse) => {
        if (message.type === 'ready') {
          if (this.#pending.size === 0) worker.unref(); // idle: do not hold the process open
          resolve(message.compileMs);
          return;
        }
        const request = this.#settle(message.id);
        if (!request) return; // aborted meanwhile
        if (message.type === 'audio') {
          request.resolve({
            samples: message.samples,
            sampleRate: message.sampleRate,
            synthMs: message.synthMs,
          });
        } else {
          request.reject(new Error(`flite synthesis failed: ${message.message}`));
        }
      };
      const onGone = (error: Error) => {
        if (this.#worker === worker) {
          this.#worker = undefined;
          this.#ready = undefined;
        }
        reject(error);
        this.#failAll(error);
      };
      worker.on('message', onMessage);
      worker.on('error', (error) => onGone(error));
      worker.on('exit', (code) => onGone(new Error(`flite worker exited with code ${code}`)));
    });
    this.#ready.catch(() => {}); // surfaced through the requests
    return worker;
  }

  #settle(id: number): PendingRequest | undefined {
    const request = this.#pending.get(id);
    if (!request) return undefined;
    this.#pending.delete(id);
    request.detach();
    if (this.#pending.size === 0) this.#worker?.unref();
    return request;
  }

  #failAll(error: Error): void {
    for (const id of [...this.#pending.keys()]) this.#settle(id)?.reject(error);
  }
}

let shared: FliteSynthesizer | undefined;

/** The process-wide synthesizer (one worker, one compiled module). */
export function sharedFliteSynthesizer(): FliteSynthesizer {
  shared ??= new FliteSynthesizer();
  return shared;
}
