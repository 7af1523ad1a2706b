/** Voice activity detection: silero (default) and fvad (light fallback). */
export { loadVad, setVadMinSilence, type LoadVadOptions, type VadKind } from './load.ts';
export { FvadVAD } from './fvad-vad.ts';
export { FvadVADStream } from './fvad-stream.ts';
export { fvadOptionsSchema, type FvadVADOptions } from './fvad-options.ts';
export { FvadDetector, loadFvadModule, FVAD_FRAME_MS, FVAD_SAMPLE_RATES } from './fvad-engine.ts';
