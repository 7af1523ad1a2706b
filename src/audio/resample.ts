/**
 * Sample-rate conversion for mono 16-bit PCM by windowed-sinc interpolation.
 *
 * Band-limited (a low-pass at the lower of the two Nyquist frequencies, so downsampling does not
 * alias), streaming (state carries across {@link Pcm16Resampler.push} calls, so chunk boundaries
 * leave no clicks) and dependency-free. Quality is set by the number of sinc zero crossings; the
 * default 8 is ample for speech at telephony and wideband rates.
 */

/** Options for {@link Pcm16Resampler}. */
export interface ResamplerOptions {
  /** Sinc zero crossings on each side of the kernel centre (default 8; more is sharper and slower). */
  zeroCrossings?: number;
}

/** Largest number of polyphase filters kept in a table; rarer ratios compute weights per sample. */
const MAX_TABLE_PHASES = 4096;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Blackman-windowed sinc with cutoff `cutoff` (a fraction of the input Nyquist), at distance `d`. */
function kernel(d: number, cutoff: number, halfWidth: number): number {
  const ad = Math.abs(d);
  if (ad >= halfWidth) return 0;
  const x = Math.PI * cutoff * d;
  const sinc = d === 0 ? 1 : Math.sin(x) / x;
  const w = 0.42 + 0.5 * Math.cos((Math.PI * d) / halfWidth) + 0.08 * Math.cos((2 * Math.PI * d) / halfWidth);
  return cutoff * sinc * w;
}

/**
 * A streaming mono PCM16 resampler. Feed chunks with {@link push}; call {@link flush} once at the
 * end to drain the filter tail. The total output length is `ceil(inputLength * outRate / inRate)`.
 */
export class Pcm16Resampler {
  readonly inRate: number;
  readonly outRate: number;
  readonly #up: number; // L: output samples per `#down` input samples
  readonly #down: number; // M
  readonly #cutoff: number;
  readonly #halfWidth: number; // kernel half width, in input samples
  readonly #taps: number; // taps on each side of the centre, an integer
  readonly #table: Float32Array | undefined; // [phase][tap], 2 * #taps weights per phase
  #buffer = new Float32Array(0); // input samples from absolute index #bufferStart
  #bufferStart = 0;
  #inputCount = 0;
  #outputIndex = 0;
  #flushed = false;

  constructor(inRate: number, outRate: number, options: ResamplerOptions = {}) {
    if (!(inRate > 0 && outRate > 0 && Number.isInteger(inRate) && Number.isInteger(outRate))) {
      throw new RangeError(`sample rates must be positive integers, got ${inRate} -> ${outRate}`);
    }
    this.inRate = inRate;
    this.outRate = outRate;
    const g = gcd(inRate, outRate);
    this.#up = outRate / g;
    this.#down = inRate / g;
    this.#cutoff = Math.min(1, outRate / inRate);
    const zeroCrossings = options.zeroCrossings ?? 8;
    this.#halfWidth = zeroCrossings / this.#cutoff;
    this.#taps = Math.ceil(this.#halfWidth);
    if (this.#up <= MAX_TABLE_PHASES && inRate !== outRate) {
      const width = 2 * this.#taps;
      this.#table = new Float32Array(this.#up * width);
      for (let phase = 0; phase < this.#up; phase++) {
        const frac = phase / this.#up;
        for (let j = -this.#taps + 1; j <= this.#taps; j++) {
          this.#table[phase * width + j + this.#taps - 1] = kernel(frac - j, this.#cutoff, this.#halfWidth);
        }
      }
    }
  }

  /** Resamples the next chunk; returns the output samples that are complete so far. */
  push(samples: Int16Array): Int16Array {
    if (this.#flushed) throw new Error('resampler already flushed');
    if (this.inRate === this.outRate) return samples.slice();
    this.#append(samples);
    this.#inputCount += samples.length;
    // Output n needs input up to floor(n * M / L) + taps.
    return this.#produce((n) => Math.floor((n * this.#down) / this.#up) + this.#taps < this.#inputCount);
  }

  /** Drains the filter tail (the input is treated as followed by silence). Call once, last. */
  flush(): Int16Array {
    if (this.#flushed) return new Int16Array(0);
    this.#flushed = true;
    if (this.inRate === this.outRate) return new Int16Array(0);
    const total = Math.ceil((this.#inputCount * this.#up) / this.#down);
    this.#append(new Int16Array(this.#taps + 1));
    return this.#produce((n) => n < total);
  }

  #append(samples: Int16Array): void {
    // Keep only the history the next output still needs.
    const nextCentre = Math.floor((this.#outputIndex * this.#down) / this.#up);
    const keepFrom = Math.max(this.#bufferStart, nextCentre - this.#taps + 1);
    const kept = this.#buffer.subarray(keepFrom - this.#bufferStart);
    const merged = new Float32Array(kept.length + samples.length);
    merged.set(kept, 0);
    for (let i = 0; i < samples.length; i++) merged[kept.length + i] = samples[i]!;
    this.#buffer = merged;
    this.#bufferStart = keepFrom;
  }

  #produce(ready: (n: number) => boolean): Int16Array {
    const out: number[] = [];
    const width = 2 * this.#taps;
    const end = this.#bufferStart + this.#buffer.length;
    while (ready(this.#outputIndex)) {
      const n = this.#outputIndex;
      const centre = Math.floor((n * this.#down) / this.#up);
      const phase = (n * this.#down) % this.#up;
      let acc = 0;
      for (let j = -this.#taps + 1; j <= this.#taps; j++) {
        const k = centre + j;
        if (k < this.#bufferStart || k >= end) continue; // before the stream start: silence
        const weight =
          this.#table !== undefined
            ? this.#table[phase * width + j + this.#taps - 1]!
            : kernel(phase / this.#up - j, this.#cutoff, this.#halfWidth);
        acc += this.#buffer[k - this.#bufferStart]! * weight;
      }
      out.push(acc > 32767 ? 32767 : acc < -32768 ? -32768 : Math.round(acc));
      this.#outputIndex++;
    }
    return Int16Array.from(out);
  }
}

/** Resamples a whole mono PCM16 signal in one call. */
export function resamplePcm16(
  samples: Int16Array,
  inRate: number,
  outRate: number,
  options?: ResamplerOptions,
): Int16Array {
  if (inRate === outRate) return samples.slice();
  const resampler = new Pcm16Resampler(inRate, outRate, options);
  const head = resampler.push(samples);
  const tail = resampler.flush();
  const out = new Int16Array(head.length + tail.length);
  out.set(head, 0);
  out.set(tail, head.length);
  return out;
}
