/**
 * Small operations on 16-bit PCM sample arrays (mono or interleaved).
 */

/** Concatenates sample arrays into one new array. */
export function concatPcm16(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Splits samples into consecutive chunks of `chunkSamples` (the last one may be shorter).
 * The chunks are views on the input, not copies.
 */
export function* chunkPcm16(samples: Int16Array, chunkSamples: number): Generator<Int16Array> {
  if (!Number.isInteger(chunkSamples) || chunkSamples <= 0) {
    throw new RangeError(`chunkSamples must be a positive integer, got ${chunkSamples}`);
  }
  for (let offset = 0; offset < samples.length; offset += chunkSamples) {
    yield samples.subarray(offset, Math.min(offset + chunkSamples, samples.length));
  }
}

/** Returns `durationMs` of digital silence at `sampleRate` (mono). */
export function silencePcm16(durationMs: number, sampleRate: number): Int16Array {
  return new Int16Array(Math.round((durationMs * sampleRate) / 1000));
}

/** Duration in milliseconds of `sampleCount` mono samples at `sampleRate`. */
export function pcmDurationMs(sampleCount: number, sampleRate: number): number {
  return (sampleCount * 1000) / sampleRate;
}

/**
 * Root-mean-square level in dBFS (0 dB is a full-scale square wave); `-Infinity` for silence
 * or an empty array.
 */
export function rmsDbfs(samples: Int16Array): number {
  if (samples.length === 0) return -Infinity;
  let sum = 0;
  for (const s of samples) sum += s * s;
  const rms = Math.sqrt(sum / samples.length) / 32768;
  return rms === 0 ? -Infinity : 20 * Math.log10(rms);
}

/** Options of {@link soundStart}. */
export interface SoundStartOptions {
  /** A 10 ms window whose peak reaches this is sound (default 500, about −36 dBFS). */
  threshold?: number;
  /**
   * Windows just before the first sound that reach this are the sound rising out of the quiet (a
   * soft "s", "f"), and are kept (default 200, about −44 dBFS).
   */
  riseThreshold?: number;
  /** Quiet kept before the sound, or before its rise (default 10 ms). */
  padMs?: number;
  /** At most this much is kept before the first window that reaches `threshold` (default 50 ms). */
  maxLeadMs?: number;
}

/** The largest absolute sample value (0 for an empty array). */
export function peakOf(samples: Int16Array): number {
  let peak = 0;
  for (const s of samples) peak = Math.max(peak, Math.abs(s));
  return peak;
}

/**
 * The index of the first sample to keep when dropping leading near-silence: the first 10 ms window
 * whose peak reaches `threshold`, with the rise before it and `padMs` of quiet, never more than
 * `maxLeadMs` ahead of it; 0 when nothing reaches the threshold (nothing is dropped).
 */
export function soundStart(samples: Int16Array, sampleRate: number, opts: SoundStartOptions = {}): number {
  const threshold = opts.threshold ?? 500;
  const rise = opts.riseThreshold ?? 200;
  const ms = (v: number) => Math.round((v * sampleRate) / 1000);
  const pad = ms(opts.padMs ?? 10);
  const maxLead = ms(opts.maxLeadMs ?? 50);
  const window = Math.max(1, Math.round(sampleRate / 100));
  let sound = -1;
  for (let start = 0; start < samples.length && sound < 0; start += window) {
    if (peakOf(samples.subarray(start, start + window)) >= threshold) sound = start;
  }
  if (sound < 0) return 0;
  let from = sound;
  while (from - window >= 0 && sound - (from - window) <= maxLead) {
    if (peakOf(samples.subarray(from - window, from)) < rise) break;
    from -= window;
  }
  return Math.max(0, from - pad, sound - maxLead);
}
