/** One-shot synthesis of a complete text with Cartesia's `POST /tts/bytes`. */
import {
  type APIConnectOptions,
  APIConnectionError,
  type APIError,
  APITimeoutError,
  DEFAULT_API_CONNECT_OPTIONS,
  tts,
} from '@livekit/agents';
import { randomUUID } from 'node:crypto';
import { cartesiaHeaders, httpUrl } from './endpoints.ts';
import { connectionError, statusError, withoutRetry } from './errors.ts';
import { generationFields, type ResolvedCartesiaOptions } from './options.ts';
import { Pcm16Framer } from './pcm-framer.ts';
import { isSpeakable } from './segment-log.ts';

/**
 * Synthesizes `text` for {@link CartesiaTTS.synthesize}: raw `pcm_s16le` at the TTS's sample rate,
 * read from the response body as it streams and emitted in `frameMs` frames (the last one with
 * `final: true`). `connOptions.timeoutMs` bounds the wait for the response and each pause between
 * body chunks. Aborting (barge-in or `close()`) cancels the request.
 */
export class CartesiaChunkedStream extends tts.ChunkedStream {
  label = 'cartesia.ChunkedStream';
  readonly #options: ResolvedCartesiaOptions;
  readonly #timeoutMs: number;

  constructor(
    text: string,
    owner: tts.TTS,
    options: ResolvedCartesiaOptions,
    connOptions?: APIConnectOptions,
    abortSignal?: AbortSignal,
  ) {
    super(text, owner, connOptions, abortSignal);
    this.#options = options;
    this.#timeoutMs = (connOptions ?? DEFAULT_API_CONNECT_OPTIONS).timeoutMs;
  }

  protected async run(): Promise<void> {
    const signal = this.abortSignal;
    const text = this.inputText;
    if (!isSpeakable(text) || signal.aborted) return;
    const { apiKey, apiVersion, baseUrl, sampleRate, frameMs } = this.#options;
    const timeoutMs = this.#timeoutMs;
    const requestId = randomUUID();
    const framer = new Pcm16Framer(sampleRate, Math.round((sampleRate * frameMs) / 1000));
    const idle = new AbortController();
    let timer = setTimeout(() => idle.abort(), timeoutMs);
    const stillAlive = () => {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(), timeoutMs);
    };
    let held: tts.SynthesizedAudio | undefined;
    let emitted = false;
    const emit = (frames: ReturnType<Pcm16Framer['push']>) => {
      for (const frame of frames) {
        if (held && !signal.aborted) {
          this.queue.put(held);
          emitted = true;
        }
        held = { requestId, segmentId: requestId, frame, final: false };
      }
    };

    try {
      const res = await fetch(httpUrl(baseUrl, '/tts/bytes'), {
        method: 'POST',
        headers: { ...cartesiaHeaders(apiKey, apiVersion), 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...generationFields(this.#options), transcript: text }),
        signal: AbortSignal.any([signal, idle.signal]),
      });
      stillAlive();
      if (!res.ok) {
        const body = await res.text().catch(() => '');
        throw statusError(res.status, body, res.headers.get('x-request-id'));
      }
      if (!res.body) throw new APIConnectionError({ message: 'Cartesia answered without a body' });
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        stillAlive();
        emit(framer.push(value));
      }
      emit(framer.flush());
      if (held && !signal.aborted) this.queue.put({ ...held, final: true });
    } catch (error) {
      if (signal.aborted) return;
      const apiError: APIError = idle.signal.aborted
        ? new APITimeoutError({ message: `Cartesia sent nothing for ${timeoutMs} ms` })
        : connectionError(error, 'Cartesia /tts/bytes failed');
      throw emitted ? withoutRetry(apiError) : apiError;
    } finally {
      clearTimeout(timer);
    }
  }
}

// @livekit/agents 1.9 starts a ChunkedStream's main task in its constructor and drops the
// promise, so a failed synthesis, already reported through the TTS's 'error' event, would also be
// an unhandled rejection (which ends a Node process). The base SynthesizeStream swallows it for
// the same reason; this does the same for this class, leaving the framework's retry loop intact.
const baseMainTask: unknown = Reflect.get(tts.ChunkedStream.prototype, 'mainTask');
if (typeof baseMainTask === 'function') {
  Object.defineProperty(CartesiaChunkedStream.prototype, 'mainTask', {
    configurable: true,
    writable: true,
    value(this: CartesiaChunkedStream): Promise<unknown> {
      return (baseMainTask as (this: CartesiaChunkedStream) => Promise<unknown>)
        .call(this)
        .catch(() => undefined);
    },
  });
}
