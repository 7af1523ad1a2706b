/** Built-in flite voices that produce 16 kHz audio (the 8 kHz `kal` voice is left out). */
export const FLITE_VOICES = ['slt', 'kal16', 'rms', 'awb'] as const;

/** A built-in flite voice: `slt` (US female), `kal16` (US male, diphone), `rms` (US male), `awb` (Scottish male). */
export type FliteVoice = (typeof FLITE_VOICES)[number];

/** Sample rate of every voice in {@link FLITE_VOICES}. */
export const FLITE_SAMPLE_RATE = 16000;

/** Whether `name` is one of {@link FLITE_VOICES}. */
export function isFliteVoice(name: string): name is FliteVoice {
  return (FLITE_VOICES as readonly string[]).includes(name);
}
