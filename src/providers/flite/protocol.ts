/** Messages between {@link ./synthesizer.ts} (job thread) and {@link ./synth-worker.ts}. */
import type { FliteVoice } from './voices.ts';

/** Data the synthesis worker starts with. */
export interface FliteWorkerData {
  /** Private directory for flite's output files. */
  scratchDir: string;
}

/** Job thread → worker. */
export type FliteRequest =
  | { type: 'synthesize'; id: number; text: string; voice: FliteVoice; durationStretch: number }
  | { type: 'cancel'; id: number }
  /** Finish the synthesis under way, drop the queue and exit. */
  | { type: 'shutdown' };

/** Worker → job thread. */
export type FliteResponse =
  | { type: 'ready'; compileMs: number }
  | { type: 'audio'; id: number; samples: Int16Array; sampleRate: number; synthMs: number }
  | { type: 'error'; id: number; message: string };
