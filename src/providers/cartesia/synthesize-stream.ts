/** Streaming synthesis over Cartesia's TTS websocket: text in (LLM deltas), audio out. */
import { type APIConnectOptions, type APIError, shortuuid, tts } from '@livekit/agents';
import { AudioEmitter } from './audio-emitter.ts';
import { connectionError, withoutRetry } from './errors.ts';
import { generationFields, type ResolvedCartesiaOptions } from './options.ts';
import { SegmentLog } from './segment-log.ts';
import type { CartesiaSocket } from './socket.ts';
import type { CartesiaSocketPool } from './socket-pool.ts';
import { runAttempt } from './stream-attempt.ts';

/**
 * The {@link CartesiaTTS.stream} implementation. Text is forwarded to Cartesia as it arrives, on
 * one context per segment (the text between flushes), so Cartesia's managed buffering decides when
 * to start speaking and keeps the prosody of the whole reply. Audio is emitted in segment order,
 * each segment's last frame with `final: true`, with word-level timed transcripts.
 *
 * The socket comes from the TTS's pool and goes back to it after a clean end or a cancellation.
 * Closing the stream (barge-in) sends Cartesia a `cancel` for every open context and stops the
 * audio at once. Failures are thrown as `@livekit/agents` API errors so the base class retries
 * them; a retry resends the unfinished segments, unless some of their audio already played (then
 * the error is final, since the caller would hear the beginning twice).
 */
export class CartesiaSynthesizeStream extends tts.SynthesizeStream {
  label = 'cartesia.SynthesizeStream';
  readonly #options: ResolvedCartesiaOptions;
  readonly #pool: CartesiaSocketPool;
  readonly #log: SegmentLog;
  readonly #emitter: AudioEmitter;

  constructor(
    owner: tts.TTS,
    options: ResolvedCartesiaOptions,
    pool: CartesiaSocketPool,
    connOptions?: APIConnectOptions,
  ) {
    super(owner, connOptions);
    this.#options = options;
    this.#pool = pool;
    this.#log = new SegmentLog(this.input, CartesiaSynthesizeStream.FLUSH_SENTINEL, () =>
      shortuuid('cartesia_'),
    );
    this.#emitter = new AudioEmitter(
      (item) => this.queue.put(item),
      () => !this.abortSignal.aborted && !this.queue.closed,
    );
  }

  protected async run(): Promise<void> {
    const signal = this.abortSignal;
    const { timeoutMs } = this.connOptions;
    this.#log.start();
    // Connect while the first text is still on its way.
    const connecting = this.#pool.acquire(timeoutMs);
    connecting.catch(() => undefined); // awaited below, or released when not needed

    await this.#log.ready(signal);
    if (signal.aborted || this.#log.complete) {
      connecting.then(
        (socket) => this.#pool.release(socket),
        () => undefined,
      );
      if (!signal.aborted) this.#emitter.endStream();
      return;
    }

    let socket: CartesiaSocket;
    try {
      socket = await abortable(connecting, signal);
    } catch (error) {
      if (signal.aborted) {
        connecting.then(
          (s) => this.#pool.release(s),
          () => undefined,
        );
        return;
      }
      throw connectionError(error);
    }

    const { sampleRate, frameMs } = this.#options;
    try {
      await runAttempt({
        socket,
        log: this.#log,
        emitter: this.#emitter,
        fields: generationFields(this.#options),
        timestamps: this.#options.wordTimestamps,
        maxBufferDelayMs: this.#options.maxBufferDelayMs,
        sampleRate,
        frameSamples: Math.round((sampleRate * frameMs) / 1000),
        timeoutMs,
        signal,
        onSend: () => this.markStarted(),
      });
    } catch (error) {
      this.#pool.discard(socket);
      this.#emitter.discard();
      if (signal.aborted) return;
      const apiError = connectionError(error);
      const played = this.#log.pending().some((s) => s.audioEmitted);
      throw played ? withoutRetry(apiError) : (apiError as APIError);
    }
    this.#pool.release(socket);
  }
}

/** `promise`, or an AbortError as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new DOMException('aborted', 'AbortError'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new DOMException('aborted', 'AbortError'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
