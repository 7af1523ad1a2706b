/** One entry point for the VADs the worker can use. */
import type { VAD } from '@livekit/agents';
import { AcousticEndVAD } from './acoustic-end.ts';
import { FvadVAD } from './fvad-vad.ts';
import type { FvadVADOptions } from './fvad-options.ts';

/** Which VAD: `silero` (onnxruntime, robust to noise) or `fvad` (tiny WebRTC VAD, the fallback). */
export type VadKind = 'silero' | 'fvad';

/** Options shared by both kinds (milliseconds); `mode` and `frameMs` apply to fvad only. */
export interface LoadVadOptions extends FvadVADOptions {
  /** silero only: speech probability that counts as speech (default 0.5). */
  activationThreshold?: number;
  /**
   * silero only: end speech where the voice stopped rather than where silero's smoothed
   * probability fell (60–100 ms later); see {@link AcousticEndVAD}. Default true.
   */
  acousticEnd?: boolean;
}

/**
 * Loads a VAD, offline. `silero` uses the model and the CPU onnxruntime binary shipped in
 * `@livekit/agents-plugin-silero` (150–300 ms to load; call it in `prewarm`); `fvad` loads in a
 * few milliseconds.
 *
 * @throws when silero's onnxruntime cannot load; callers may fall back to `fvad`.
 */
export async function loadVad(kind: VadKind, options: LoadVadOptions = {}): Promise<VAD> {
  const { activationThreshold, acousticEnd = true, mode, frameMs, ...shared } = options;
  if (kind === 'fvad') return FvadVAD.load({ ...shared, mode, frameMs });
  const silero = await import('@livekit/agents-plugin-silero');
  const vad = await silero.VAD.load({
    forceCPU: true,
    ...Object.fromEntries(
      Object.entries({ ...shared, activationThreshold }).filter(([, v]) => v !== undefined),
    ),
  });
  return acousticEnd ? new AcousticEndVAD(vad) : vad;
}

/**
 * Sets how long `vad` waits in silence before it ends speech (silero's streams, open ones too);
 * false when the VAD cannot change it.
 */
export function setVadMinSilence(vad: VAD, ms: number): boolean {
  const tunable = vad as VAD & { updateOptions?(opts: { minSilenceDuration: number }): void };
  if (!tunable.updateOptions) return false;
  tunable.updateOptions({ minSilenceDuration: ms });
  return true;
}
