/** The offline pocketsphinx speech-to-text provider. */
import {
  type APIConnectOptions,
  type AudioBuffer,
  type LanguageCode,
  log,
  shortuuid,
  stt,
} from '@livekit/agents';
import { Pcm16Resampler } from '../../audio/resample.ts';
import {
  type PocketsphinxSTTOptions,
  type ResolvedPocketsphinxOptions,
  pocketsphinxOptionsSchema,
} from './options.ts';
import { PocketsphinxRecognizer, type RecognizerReady } from './recognizer.ts';
import { PocketsphinxSpeechStream, toMono } from './speech-stream.ts';

/**
 * Speech-to-text with CMU pocketsphinx (Debian `libpocketsphinx3` + `pocketsphinx-en-us`, called
 * through koffi), fully offline, US English.
 *
 * Decoding runs in a worker thread owned by this instance, never on the job's event loop. It is a
 * *streaming* STT with interim results: {@link stream} does its own endpointing with
 * pocketsphinx's voice activity detector, so `AgentSession` uses it directly (with a VAD for turn
 * detection and interruptions) instead of wrapping it in `stt.StreamAdapter`. The non-streaming
 * `recognize()` path works too.
 *
 * Check {@link pocketsphinxAvailable} before constructing; construction itself does not load
 * anything (the worker starts on first use or on {@link prewarm}).
 *
 * @example
 * ```ts
 * const stt = new PocketsphinxSTT({ languageModel: { kind: 'domain', phrases: ['book a table for two'] } });
 * const { missingWords } = await stt.prewarm();
 * ```
 */
export class PocketsphinxSTT extends stt.STT {
  label = 'local/pocketsphinx';
  readonly #options: ResolvedPocketsphinxOptions;
  readonly #recognizer: PocketsphinxRecognizer;
  #warned = false;

  /** @throws {z.ZodError} on invalid options */
  constructor(options: PocketsphinxSTTOptions = {}) {
    super({ streaming: true, interimResults: true, alignedTranscript: false });
    this.#options = pocketsphinxOptionsSchema.parse(options);
    const { modelDir, languageModel, endSilenceMs, interimIntervalMs, decoderScope } = this.#options;
    this.#recognizer = new PocketsphinxRecognizer({
      modelDir,
      languageModel,
      endSilenceMs,
      interimIntervalMs,
      decoderScope,
    });
  }

  /** `en-us-generic`, `en-us-domain` or `en-us-files`. */
  override get model(): string {
    return `en-us-${this.#options.languageModel.kind}`;
  }

  override get provider(): string {
    return 'pocketsphinx';
  }

  /**
   * Starts the worker and loads the model (and builds the domain LM). Logs a warning listing
   * phrase words missing from the dictionary; they are also in the result.
   */
  async prewarm(): Promise<RecognizerReady> {
    const ready = await this.#recognizer.ready();
    if (ready.missingWords.length && !this.#warned) {
      this.#warned = true;
      warn(
        { missingWords: ready.missingWords },
        'pocketsphinx: domain LM words missing from the dictionary were dropped',
      );
    }
    return ready;
  }

  protected async _recognize(buffer: AudioBuffer, abortSignal?: AbortSignal): Promise<stt.SpeechEvent> {
    const frames = Array.isArray(buffer) ? buffer : [buffer];
    const parts: Int16Array[] = [];
    let resampler: Pcm16Resampler | undefined;
    for (const frame of frames) {
      const mono = toMono(frame.data, frame.samplesPerChannel, frame.channels);
      if (frame.sampleRate === 16000) parts.push(mono);
      else {
        resampler ??= new Pcm16Resampler(frame.sampleRate, 16000);
        parts.push(resampler.push(mono));
      }
    }
    if (resampler) parts.push(resampler.flush());
    const samples = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((offset, p) => (samples.set(p, offset), offset + p.length), 0);
    const durationSeconds = samples.length / 16000;
    await this.prewarm();
    abortSignal?.throwIfAborted();
    const { text, decodeMs } = await this.#recognizer.recognize(samples);
    return {
      type: stt.SpeechEventType.FINAL_TRANSCRIPT,
      requestId: shortuuid('ps_'),
      alternatives: [
        {
          language: this.#options.language as LanguageCode,
          text,
          startTime: 0,
          endTime: durationSeconds,
          confidence: 1,
          metadata: { decodeMs },
        },
      ],
    };
  }

  stream(options?: { connOptions?: APIConnectOptions }): PocketsphinxSpeechStream {
    void this.prewarm().catch(() => {}); // failures surface through the stream
    return new PocketsphinxSpeechStream(this, this.#recognizer, this.#options.language, options?.connOptions);
  }

  /** Stops the decode worker. */
  override async close(): Promise<void> {
    await this.#recognizer.close();
  }
}

/** Logs through the agents logger when it is initialised (it is inside workers and jobs). */
function warn(fields: object, message: string): void {
  try {
    log().warn(fields, message);
  } catch {
    process.emitWarning(`${message}: ${JSON.stringify(fields)}`);
  }
}
