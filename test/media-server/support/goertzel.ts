/**
 * Goertzel power of `frequency` in `samples` (16-bit PCM), normalised by the signal energy so the
 * result is the fraction of energy at that frequency (≈ 0.5 for a pure tone, small otherwise).
 */
export function toneShare(samples: Int16Array, frequency: number, sampleRate: number): number {
  const n = samples.length;
  if (n === 0) return 0;
  const k = Math.round((n * frequency) / sampleRate);
  const coeff = 2 * Math.cos((2 * Math.PI * k) / n);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (let i = 0; i < n; i++) {
    const x = samples[i] ?? 0;
    energy += x * x;
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  if (energy === 0) return 0;
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * power) / (n * energy);
}
