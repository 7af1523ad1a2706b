/** Options shared by {@link FliteTTS} and its streams. */
import { z } from 'zod';
import type { FliteSynthesizer } from './synthesizer.ts';
import { FLITE_VOICES, type FliteVoice } from './voices.ts';

/** Serializable flite settings (what an agent record stores). */
export const fliteOptionsSchema = z.object({
  /** Voice name; default `slt`. */
  voice: z.enum(FLITE_VOICES).default('slt'),
  /** Speaking rate: 1 is normal, 1.25 is 25 % faster. Applied as flite's `duration_stretch = 1 / speed`. */
  speed: z.number().min(0.5).max(2).default(1),
  /** Length of the emitted audio frames in milliseconds; default 20. */
  frameMs: z.number().int().min(10).max(100).default(20),
});

/** Constructor options of {@link FliteTTS}. */
export interface FliteTTSOptions {
  voice?: FliteVoice;
  speed?: number;
  frameMs?: number;
  /** Synthesis worker to use; default the process-wide shared one. */
  synthesizer?: FliteSynthesizer;
}

/** Options after defaults, as the streams use them. */
export interface ResolvedFliteOptions {
  voice: FliteVoice;
  durationStretch: number;
  frameMs: number;
  synthesizer: FliteSynthesizer;
}
