/** Streaming recognition through the decode worker. */
import { type APIConnectOptions, type LanguageCode, shortuuid, stt } from '@livekit/agents';
import type { UtteranceResult } from './protocol.ts';
import type { PocketsphinxRecognizer } from './recognizer.ts';

const SAMPLE_RATE = 16000;

/** A mono copy of interleaved samples (a copy because it is transferred to the worker). */
export function toMono(data: Int16Array, samplesPerChannel: number, channels: number): Int16Array {
  if (channels === 1) return data.slice(0, samplesPerChannel);
  const mono = new Int16Array(samplesPerChannel);
  for (let i = 0; i < samplesPerChannel; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += data[i * channels + c]!;
    mono[i] = Math.round(sum / channels);
  }
  return mono;
}

/**
 * The {@link PocketsphinxSTT.stream} implementation. Audio is resampled to 16 kHz by the base
 * class and decoded in the worker as it arrives. Per utterance it emits START_OF_SPEECH,
 * INTERIM_TRANSCRIPT every `interimIntervalMs` while the hypothesis changes, then
 * FINAL_TRANSCRIPT, RECOGNITION_USAGE and END_OF_SPEECH when pocketsphinx's detector hears
 * `endSilenceMs` of non-speech, or on {@link flush}, or when the input ends.
 */
export class PocketsphinxSpeechStream extends stt.SpeechStream {
  label = 'local/pocketsphinx.SpeechStream';
  readonly #recognizer: PocketsphinxRecognizer;
  readonly #language: LanguageCode;
  #requestId = shortuuid('ps_');

  constructor(
    owner: stt.STT,
    recognizer: PocketsphinxRecognizer,
    language: string,
    connOptions?: APIConnectOptions,
  ) {
    super(owner, SAMPLE_RATE, connOptions);
    this.#recognizer = recognizer;
    this.#language = language as LanguageCode;
  }

  protected async run(): Promise<void> {
    let failure: Error | undefined;
    const seconds = (sample: number) => sample / SAMPLE_RATE + this.startTimeOffset;
    const put = (event: stt.SpeechEvent) => {
      if (!this.queue.closed) this.queue.put(event);
    };
    const data = (
      text: string,
      startSample: number,
      endSample: number,
      confidence: number,
    ): stt.SpeechData => ({
      language: this.#language,
      text,
      startTime: seconds(startSample),
      endTime: seconds(endSample),
      confidence,
    });
    const stream = this.#recognizer.openStream({
      onSpeechStart: () => {
        this.#requestId = shortuuid('ps_');
        put({ type: stt.SpeechEventType.START_OF_SPEECH, requestId: this.#requestId });
      },
      onInterim: (text, startSample, endSample) => {
        put({
          type: stt.SpeechEventType.INTERIM_TRANSCRIPT,
          requestId: this.#requestId,
          alternatives: [data(text, startSample, endSample, 0.5)],
        });
      },
      onFinal: (result: UtteranceResult) => {
        const requestId = this.#requestId;
        if (result.text) {
          put({
            type: stt.SpeechEventType.FINAL_TRANSCRIPT,
            requestId,
            alternatives: [
              {
                ...data(result.text, result.startSample, result.endSample, 1),
                metadata: { decodeMs: result.decodeMs },
              },
            ],
          });
        }
        put({
          type: stt.SpeechEventType.RECOGNITION_USAGE,
          requestId,
          recognitionUsage: { audioDuration: (result.endSample - result.startSample) / SAMPLE_RATE },
        });
        put({ type: stt.SpeechEventType.END_OF_SPEECH, requestId });
      },
      onError: (error) => {
        failure = error;
      },
    });
    const onAbort = () => stream.close();
    this.abortSignal.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const input of this.input) {
        if (failure) break;
        if (input === stt.SpeechStream.FLUSH_SENTINEL) {
          stream.flush();
        } else if (input.samplesPerChannel > 0) {
          stream.write(toMono(input.data, input.samplesPerChannel, input.channels));
        }
      }
      if (!this.abortSignal.aborted) await stream.end();
    } finally {
      this.abortSignal.removeEventListener('abort', onAbort);
      stream.close();
    }
    if (failure && !this.abortSignal.aborted) throw failure;
  }
}
