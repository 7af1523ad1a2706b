/** Cartesia text-to-speech (Sonic models) on the `@livekit/agents` 1.9 TTS base classes. */
import { type APIConnectOptions, tts } from '@livekit/agents';
import { CartesiaChunkedStream } from './chunked-stream.ts';
import { websocketUrl } from './endpoints.ts';
import { type CartesiaTTSOptions, type ResolvedCartesiaOptions, resolveCartesiaOptions } from './options.ts';
import { CartesiaSocketPool } from './socket-pool.ts';
import { CartesiaSynthesizeStream } from './synthesize-stream.ts';

/**
 * Cartesia's Sonic speech, mono PCM16 at `sampleRate` (24 kHz by default).
 *
 * The TTS is *streaming*: {@link stream} sends the LLM's text to Cartesia's websocket as it is
 * generated and plays audio as it comes back, so `AgentSession` uses it directly rather than
 * wrapping it in `tts.StreamAdapter`. {@link synthesize} speaks a complete text through
 * `POST /tts/bytes`. Websockets are pooled per instance and reused across turns;
 * {@link prewarm} opens one ahead of the first turn.
 *
 * @example
 * ```ts
 * const speech = new CartesiaTTS({ apiKey, model: 'sonic-3', voice: 'a0e99841-…', language: 'en-US' });
 * speech.prewarm();
 * ```
 */
export class CartesiaTTS extends tts.TTS {
  label = 'cartesia.TTS';
  readonly #options: ResolvedCartesiaOptions;
  readonly #pool: CartesiaSocketPool;

  /** @throws {z.ZodError} on a missing key, a bad base URL or an out-of-range setting */
  constructor(options: CartesiaTTSOptions) {
    const resolved = resolveCartesiaOptions(options);
    super(resolved.sampleRate, 1, { streaming: true, alignedTranscript: resolved.wordTimestamps });
    this.#options = resolved;
    this.#pool = new CartesiaSocketPool({
      url: websocketUrl(resolved.baseUrl),
      apiKey: resolved.apiKey,
      apiVersion: resolved.apiVersion,
    });
  }

  /** The Cartesia model id. */
  override get model(): string {
    return this.#options.model;
  }

  override get provider(): string {
    return 'cartesia';
  }

  /** The voice id. */
  get voice(): string {
    return this.#options.voice;
  }

  /** Opens a websocket in the background, so the first turn does not wait for the handshake. */
  prewarm(): void {
    this.#pool.prewarm();
  }

  synthesize(
    text: string,
    connOptions?: APIConnectOptions,
    abortSignal?: AbortSignal,
  ): CartesiaChunkedStream {
    return new CartesiaChunkedStream(text, this, this.#options, connOptions, abortSignal);
  }

  stream(options?: { connOptions?: APIConnectOptions }): CartesiaSynthesizeStream {
    return new CartesiaSynthesizeStream(this, this.#options, this.#pool, options?.connOptions);
  }

  /** Closes the pooled websockets (streams still using one fail). */
  override async close(): Promise<void> {
    await this.#pool.close();
  }
}
