/**
 * The Live fake's turn taking on the caller's audio: energy-based voice activity detection over
 * 20 ms windows of 16 kHz PCM (Gemini's automatic activity detection), or explicit
 * `activityStart`/`activityEnd` when the setup disables it. Collects each utterance (with 300 ms of
 * audio before the detected start) for recognition.
 */

export const SPEECH_RATE = 16_000;
const WINDOW = SPEECH_RATE / 50; // 20 ms
const PREROLL = (SPEECH_RATE * 3) / 10;

export interface SpeechDetectorOptions {
  /** RMS (PCM16 units) above which a window counts as speech. */
  threshold: number;
  /** Silence that ends an utterance, ms. */
  silenceMs: number;
  /** Louder stretches shorter than this are not speech, ms. */
  minSpeechMs: number;
  /** The caller started speaking (the reply in progress should stop). */
  onStart(): void;
  /** An utterance ended: its audio, mono PCM16 at 16 kHz. */
  onEnd(pcm: Int16Array): void;
}

const rms = (s: Int16Array) => {
  let sum = 0;
  for (const v of s) sum += v * v;
  return s.length ? Math.sqrt(sum / s.length) : 0;
};

function concat(chunks: Int16Array[]): Int16Array {
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

const ms = (samples: number) => (samples * 1000) / SPEECH_RATE;

export class SpeechDetector {
  /** Activity comes from the client (`activityStart`/`activityEnd`), not from the audio. */
  manual = false;
  #pending = new Int16Array(0);
  #recent: Int16Array[] = [];
  #recentSamples = 0;
  #utterance: Int16Array[] = [];
  #inSpeech = false;
  #loudSamples = 0;
  #silentSamples = 0;

  constructor(readonly options: SpeechDetectorOptions) {}

  get inSpeech(): boolean {
    return this.#inSpeech;
  }

  /** Caller audio, 16 kHz. */
  write(samples: Int16Array): void {
    if (this.manual) {
      if (this.#inSpeech) this.#utterance.push(samples);
      return;
    }
    let data = samples;
    if (this.#pending.length) {
      data = new Int16Array(this.#pending.length + samples.length);
      data.set(this.#pending);
      data.set(samples, this.#pending.length);
    }
    let off = 0;
    for (; off + WINDOW <= data.length; off += WINDOW) this.#window(data.slice(off, off + WINDOW));
    this.#pending = data.slice(off);
  }

  /** `activityStart` (manual mode). */
  start(): void {
    this.options.onStart();
    this.#inSpeech = true;
    this.#utterance = [];
  }

  /** `activityEnd`, or `audioStreamEnd` during speech: the utterance ends now. */
  end(): void {
    if (!this.#inSpeech) return;
    this.#inSpeech = false;
    this.#loudSamples = 0;
    this.#silentSamples = 0;
    const pcm = concat(this.#utterance);
    this.#utterance = [];
    this.options.onEnd(pcm);
  }

  #window(w: Int16Array): void {
    const loud = rms(w) > this.options.threshold;
    if (!this.#inSpeech) {
      this.#recent.push(w);
      this.#recentSamples += w.length;
      while (this.#recentSamples - (this.#recent[0]?.length ?? 0) >= PREROLL) {
        this.#recentSamples -= this.#recent.shift()!.length;
      }
      this.#loudSamples = loud ? this.#loudSamples + w.length : 0;
      if (ms(this.#loudSamples) < this.options.minSpeechMs) return;
      this.#inSpeech = true;
      this.#silentSamples = 0;
      this.#utterance = [...this.#recent];
      this.#recent = [];
      this.#recentSamples = 0;
      this.options.onStart();
      return;
    }
    this.#utterance.push(w);
    this.#silentSamples = loud ? 0 : this.#silentSamples + w.length;
    if (ms(this.#silentSamples) >= this.options.silenceMs) this.end();
  }
}
