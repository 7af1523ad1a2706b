/**
 * Where the caller's voice really stopped, for each end of speech a VAD reports.
 *
 * silero smooths its speech probability across 32 ms windows, so the first window it calls silent
 * starts 60–100 ms after the voice stopped, and a session counts the endpointing delay (and every
 * turn metric: end of speech → transcript, voice-to-voice) from that late mark. The utterance audio
 * an END_OF_SPEECH event carries ends at the window just judged; the quiet at its end is the
 * silence the caller has really kept. {@link AcousticEndVAD} reports that as the event's
 * `silenceDuration`, so the session's end of speech is where the voice stopped, turn by turn.
 */
import { VAD, type VADEvent, VADEventType, type VADStream } from '@livekit/agents';
import { peakOf } from '../../audio/pcm.ts';

/** Options of {@link trailingQuietMs} and {@link AcousticEndVAD}. */
export interface AcousticEndOptions {
  /** A 10 ms window is quiet below this share of the utterance's loudest window (default 0.1). */
  quietRatio?: number;
  /** … and always below this peak (default 300, about −41 dBFS), whatever the utterance's level. */
  quietFloor?: number;
  /** The end of speech moves back at most this far beyond what the inner VAD said (default 150 ms). */
  maxExtraMs?: number;
}

/**
 * Milliseconds of quiet at the end of `samples` (mono): the trailing 10 ms windows whose peak stays
 * below `quietRatio` of the loudest window and below `quietFloor`. All of it when nothing is loud.
 */
export function trailingQuietMs(
  samples: Int16Array,
  sampleRate: number,
  opts: AcousticEndOptions = {},
): number {
  const window = Math.max(1, Math.round(sampleRate / 100));
  const loudest = peakOf(samples);
  const threshold = Math.min(opts.quietFloor ?? 300, (opts.quietRatio ?? 0.1) * loudest);
  let start = samples.length;
  while (start > 0 && threshold > 0) {
    const from = Math.max(0, start - window);
    if (peakOf(samples.subarray(from, start)) >= threshold) break;
    start = from;
  }
  if (threshold <= 0) start = 0;
  return ((samples.length - start) * 1000) / sampleRate;
}

/** The end of speech an END_OF_SPEECH event implies, moved back to the quiet its audio ends with. */
function refineEnd(event: VADEvent, opts: AcousticEndOptions): void {
  const frame = event.frames[0];
  if (!frame || event.frames.length !== 1 || frame.channels !== 1) return;
  const quiet = trailingQuietMs(frame.data, frame.sampleRate, opts);
  // Less quiet than the VAD counted: its buffer stopped filling (maxBufferedSpeech), or the tail is
  // noise; the VAD's own figure stands. More than `maxExtraMs` beyond it is not silero's lag.
  if (quiet > event.silenceDuration) {
    event.silenceDuration = Math.min(quiet, event.silenceDuration + (opts.maxExtraMs ?? 150));
  }
}

/**
 * A VAD whose END_OF_SPEECH events count their silence from where the voice stopped (see the
 * module comment); everything else is the inner VAD's.
 */
export class AcousticEndVAD extends VAD {
  readonly label: string;
  readonly #inner: VAD;
  readonly #opts: AcousticEndOptions;

  constructor(inner: VAD, opts: AcousticEndOptions = {}) {
    super(inner.capabilities);
    this.#inner = inner;
    this.#opts = opts;
    this.label = inner.label;
    inner.on('metrics_collected', (metrics) => this.emit('metrics_collected', metrics));
  }

  override get minSilenceDuration(): number | null {
    return this.#inner.minSilenceDuration;
  }

  /** Passes option changes (silero's `minSilenceDuration`) to the inner VAD, open streams too. */
  updateOptions(opts: { minSilenceDuration?: number }): void {
    const tunable = this.#inner as VAD & { updateOptions?(o: typeof opts): void };
    if (!tunable.updateOptions) throw new Error(`${this.label} has no options to update`);
    tunable.updateOptions(opts);
  }

  stream(): VADStream {
    const stream = this.#inner.stream();
    const next = stream.next.bind(stream);
    // Sessions read a VAD stream as an async iterator (the stream is its own iterator).
    stream.next = async () => {
      const result = await next();
      if (!result.done && result.value.type === VADEventType.END_OF_SPEECH) {
        refineEnd(result.value, this.#opts);
      }
      return result;
    };
    return stream;
  }

  override async close(): Promise<void> {
    await this.#inner.close();
  }
}
