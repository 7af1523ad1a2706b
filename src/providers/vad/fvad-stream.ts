/** The VAD stream of {@link FvadVAD}. */
import { type VAD, type VADEvent, VADEventType, VADStream } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { Pcm16Resampler } from '../../audio/resample.ts';
import { FVAD_SAMPLE_RATES, FvadDetector } from './fvad-engine.ts';
import type { FvadModule } from '@echogarden/fvad-wasm';
import type { ResolvedFvadOptions } from './fvad-options.ts';

const FALLBACK_RATE = 16000;

/**
 * Classifies each `frameMs` frame with libfvad and turns the decisions into the framework's
 * events, with the same hysteresis and buffering as the silero plugin:
 * INFERENCE_DONE per frame, START_OF_SPEECH after `minSpeechDuration` of speech (frames: the
 * buffered speech with prefix padding), END_OF_SPEECH after `minSilenceDuration` of silence
 * (frames: the whole utterance, at the input sample rate). Durations are in milliseconds.
 *
 * Input at 8/16/32/48 kHz is analysed as is; other rates are resampled to 16 kHz for analysis.
 * The first `warmupDuration` ms count as silence (libfvad's start-up false alarms). A flush resets
 * the state. When the input ends during speech, a final END_OF_SPEECH is sent and
 * the stream's iteration ends.
 */
export class FvadVADStream extends VADStream {
  readonly #options: ResolvedFvadOptions;
  readonly #module: FvadModule;
  #outputEnded = false;

  constructor(vad: VAD, module: FvadModule, options: ResolvedFvadOptions) {
    super(vad);
    this.#module = module;
    this.#options = options;
    void this.#run().catch((error) => {
      this.logger.error(error, 'fvad VAD task failed');
      if (!this.closed) this.close();
    });
  }

  /**
   * Ends the input. (The base class closes the locked writable directly, which rejects with
   * "WritableStream is locked"; this closes it through its writer.)
   */
  override endInput(): void {
    if (this.inputClosed) throw new Error('Input is closed');
    if (this.closed) throw new Error('Stream is closed');
    this.inputClosed = true;
    void this.inputWriter.close().catch(() => {});
  }

  override close(): void {
    if (!this.#outputEnded) return super.close();
    // The output was already closed by the end of input; only release the reader.
    this.outputWriter.releaseLock();
    void this.outputReader.cancel().catch(() => {});
    this.closed = true;
  }

  async #run(): Promise<void> {
    const opts = this.#options;
    let inputRate = 0;
    let inferenceRate = 0;
    let detector: FvadDetector | undefined;
    let resampler: Pcm16Resampler | undefined;
    let speechBuffer = new Int16Array(0);
    let speechLength = 0;
    let prefixSamples = 0;
    let pendingInference: Int16Array = new Int16Array(0); // at the inference rate
    let pendingInput: Int16Array = new Int16Array(0); // at the input rate, aligned with pendingInference
    let inputCarry = 0; // fractional input samples per window
    let speaking = false;
    let speechDuration = 0;
    let silenceDuration = 0;
    let speechThreshold = 0;
    let silenceThreshold = 0;
    let samplesIndex = 0;
    let timestamp = 0;

    const reset = () => {
      detector?.reset();
      resampler = inputRate !== inferenceRate ? new Pcm16Resampler(inputRate, inferenceRate) : undefined;
      speechLength = 0;
      pendingInference = new Int16Array(0);
      pendingInput = new Int16Array(0);
      inputCarry = 0;
      speaking = false;
      speechDuration = silenceDuration = speechThreshold = silenceThreshold = 0;
      samplesIndex = timestamp = 0;
    };
    const speechFrame = () => new AudioFrame(speechBuffer.slice(0, speechLength), inputRate, 1, speechLength);
    const keepPrefixOnly = () => {
      if (speechLength <= prefixSamples) return;
      speechBuffer.copyWithin(0, speechLength - prefixSamples, speechLength);
      speechLength = prefixSamples;
    };
    const event = (type: VADEventType, fields: Partial<VADEvent> = {}): VADEvent => ({
      type,
      samplesIndex,
      timestamp,
      speechDuration,
      silenceDuration,
      frames: [],
      probability: 0,
      inferenceDuration: 0,
      speaking,
      rawAccumulatedSilence: silenceThreshold,
      rawAccumulatedSpeech: speechThreshold,
      ...fields,
    });

    try {
      while (!this.closed) {
        const { done, value } = await this.inputReader.read();
        if (done) break;
        if (typeof value === 'symbol') {
          reset();
          continue;
        }
        if (!detector) {
          inputRate = value.sampleRate;
          inferenceRate = (FVAD_SAMPLE_RATES as readonly number[]).includes(inputRate)
            ? inputRate
            : FALLBACK_RATE;
          detector = new FvadDetector(this.#module, opts.mode, inferenceRate, opts.frameMs);
          prefixSamples = Math.trunc((opts.prefixPaddingDuration * inputRate) / 1000);
          speechBuffer = new Int16Array(
            Math.trunc((opts.maxBufferedSpeech * inputRate) / 1000) + prefixSamples,
          );
          reset();
        } else if (value.sampleRate !== inputRate) {
          this.logger.error('fvad VAD: a frame with a different sample rate was already published');
          continue;
        }
        const mono = downmix(value);
        pendingInput = concat(pendingInput, mono);
        pendingInference = concat(pendingInference, resampler ? resampler.push(mono) : mono);

        const window = detector.frameSamples;
        while (pendingInference.length >= window && !this.closed) {
          const started = performance.now();
          const decision = detector.isSpeech(pendingInference.subarray(0, window));
          const isSpeech = decision && timestamp >= opts.warmupDuration;
          pendingInference = pendingInference.subarray(window);
          const exactInput = (window * inputRate) / inferenceRate + inputCarry;
          const inputCount = Math.min(Math.trunc(exactInput), pendingInput.length);
          inputCarry = exactInput - Math.trunc(exactInput);
          const windowInput = pendingInput.slice(0, inputCount);
          pendingInput = pendingInput.subarray(inputCount);
          const inferenceDuration = performance.now() - started;

          const copyable = Math.min(windowInput.length, speechBuffer.length - speechLength);
          speechBuffer.set(windowInput.subarray(0, copyable), speechLength);
          speechLength += copyable;

          samplesIndex += window;
          timestamp += opts.frameMs;
          if (speaking) speechDuration += opts.frameMs;
          else silenceDuration += opts.frameMs;

          this.sendVADEvent(
            event(VADEventType.INFERENCE_DONE, {
              probability: isSpeech ? 1 : 0,
              inferenceDuration,
              frames: [new AudioFrame(windowInput, inputRate, 1, windowInput.length)],
            }),
          );

          if (isSpeech) {
            speechThreshold += opts.frameMs;
            silenceThreshold = 0;
            if (!speaking && speechThreshold >= opts.minSpeechDuration) {
              speaking = true;
              silenceDuration = 0;
              speechDuration = speechThreshold;
              this.sendVADEvent(
                event(VADEventType.START_OF_SPEECH, { frames: [speechFrame()], probability: 1 }),
              );
            }
          } else {
            silenceThreshold += opts.frameMs;
            speechThreshold = 0;
            if (!speaking) keepPrefixOnly();
            if (speaking && silenceThreshold > opts.minSilenceDuration) {
              speaking = false;
              silenceDuration = silenceThreshold;
              this.sendVADEvent(event(VADEventType.END_OF_SPEECH, { frames: [speechFrame()] }));
              speechDuration = 0;
              keepPrefixOnly();
            }
          }
        }
      }
      if (speaking && !this.closed) {
        speaking = false;
        this.sendVADEvent(event(VADEventType.END_OF_SPEECH, { frames: [speechFrame()] }));
      }
    } finally {
      detector?.free();
    }
    if (!this.closed) {
      this.#outputEnded = true;
      await this.outputWriter.close();
    }
  }
}

function downmix(frame: AudioFrame): Int16Array {
  const { data, samplesPerChannel, channels } = frame;
  if (channels === 1) return data.subarray(0, samplesPerChannel);
  const mono = new Int16Array(samplesPerChannel);
  for (let i = 0; i < samplesPerChannel; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += data[i * channels + c]!;
    mono[i] = Math.round(sum / channels);
  }
  return mono;
}

function concat(a: Int16Array, b: Int16Array): Int16Array {
  if (a.length === 0) return b.slice();
  const out = new Int16Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
