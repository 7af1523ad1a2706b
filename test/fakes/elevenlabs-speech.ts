/**
 * Speech for the fake ElevenLabs server: flite audio of the text at the requested PCM rate, cut
 * into the chunks the server streams, each with the character alignment ElevenLabs attaches
 * (`chars`, `charStartTimesMs`, `charsDurationsMs`, times relative to the chunk, as its AsyncAPI
 * documents). Characters are spread evenly over the audio: good enough for a client to turn into
 * word timings, not a real forced alignment.
 */
import { resamplePcm16 } from '../../src/audio/resample.ts';
import { FliteSynthesizer, type FliteVoice } from '../../src/providers/flite/index.ts';

/** PCM output formats the fake serves (`pcm_<rate>`), as ElevenLabs lists them. */
export const PCM_RATES = [8000, 16000, 22050, 24000, 44100, 48000] as const;

/** The sample rate of an `output_format` the fake serves, or undefined (mp3, μ-law, opus …). */
export function pcmRate(format: string): number | undefined {
  const m = /^pcm_(\d+)$/.exec(format);
  const rate = m ? Number(m[1]) : NaN;
  return (PCM_RATES as readonly number[]).includes(rate) ? rate : undefined;
}

/** ElevenLabs' alignment object for one chunk. */
export interface Alignment {
  chars: string[];
  charStartTimesMs: number[];
  charsDurationsMs: number[];
}

/** One streamed piece of speech. */
export interface SpeechChunk {
  pcm: Buffer;
  alignment: Alignment;
}

/** Cuts `pcm` (mono PCM16 at `rate`) of `text` into `chunkMs` pieces with their alignment. */
export function speechChunks(text: string, pcm: Int16Array, rate: number, chunkMs: number): SpeechChunk[] {
  const chars = [...text];
  const totalMs = (pcm.length * 1000) / rate;
  const startOf = (i: number) => (i * totalMs) / chars.length;
  const samplesPerChunk = Math.max(1, Math.round((rate * chunkMs) / 1000));
  const chunks: SpeechChunk[] = [];
  let next = 0;
  for (let offset = 0; offset < pcm.length || chunks.length === 0; offset += samplesPerChunk) {
    const end = Math.min(pcm.length, offset + samplesPerChunk);
    const fromMs = (offset * 1000) / rate;
    const toMs = end >= pcm.length ? Infinity : (end * 1000) / rate;
    const alignment: Alignment = { chars: [], charStartTimesMs: [], charsDurationsMs: [] };
    while (next < chars.length && startOf(next) < toMs) {
      alignment.chars.push(chars[next]!);
      alignment.charStartTimesMs.push(Math.round(startOf(next) - fromMs));
      alignment.charsDurationsMs.push(Math.max(1, Math.round(startOf(next + 1) - startOf(next))));
      next++;
    }
    const slice = pcm.subarray(offset, end);
    chunks.push({ pcm: Buffer.from(slice.buffer, slice.byteOffset, slice.byteLength), alignment });
    if (end >= pcm.length) break;
  }
  return chunks;
}

/** Flite speech, cached per text and rate. */
export class FakeSpeech {
  readonly #synth = new FliteSynthesizer();
  readonly #cache = new Map<string, Promise<Int16Array>>();

  constructor(readonly voice: FliteVoice) {}

  /** Compiles flite so the first request is not slowed by it. */
  async warmup(): Promise<void> {
    await this.#synth.warmup();
  }

  /** Mono PCM16 of `text` at `rate`. */
  pcm(text: string, rate: number): Promise<Int16Array> {
    const key = `${rate}\u0000${text}`;
    let cached = this.#cache.get(key);
    if (!cached) {
      cached = this.#synth
        .synthesize(text, this.voice)
        .then((r) => (r.sampleRate === rate ? r.samples : resamplePcm16(r.samples, r.sampleRate, rate)));
      cached.catch(() => this.#cache.delete(key));
      this.#cache.set(key, cached);
    }
    return cached;
  }

  async close(): Promise<void> {
    await this.#synth.close();
  }
}
