/** Options of {@link FvadVAD}; durations in milliseconds, like the silero plugin's. */
import { z } from 'zod';

export const fvadOptionsSchema = z.object({
  /** libfvad aggressiveness, 0–3; higher rejects more non-speech. Default 2. */
  mode: z.number().int().min(0).max(3).default(2),
  /** Speech needed before START_OF_SPEECH. Default 60 ms. */
  minSpeechDuration: z.number().min(0).default(60),
  /** Silence needed before END_OF_SPEECH. Default 550 ms (as silero). */
  minSilenceDuration: z.number().min(0).default(550),
  /** Audio kept before the detected start and included in the events' frames. Default 500 ms. */
  prefixPaddingDuration: z.number().min(0).default(500),
  /** Longest speech kept for END_OF_SPEECH frames. Default 60 s. */
  maxBufferedSpeech: z.number().min(1000).default(60_000),
  /**
   * Decisions in the first this-many ms after the start (or a flush) count as silence: libfvad
   * flags its first frames as speech while its noise model settles. Default 150 ms.
   */
  warmupDuration: z.number().min(0).max(2000).default(150),
  /** Analysis frame: 10, 20 or 30 ms. One INFERENCE_DONE per frame. Default 20 ms. */
  frameMs: z.union([z.literal(10), z.literal(20), z.literal(30)]).default(20),
});

/** Constructor options of {@link FvadVAD}. */
export type FvadVADOptions = z.input<typeof fvadOptionsSchema>;

/** Options after defaults. */
export type ResolvedFvadOptions = z.output<typeof fvadOptionsSchema>;
