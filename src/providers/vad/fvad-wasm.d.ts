/** Types for the parts of `@echogarden/fvad-wasm` (an Emscripten build of libfvad) used here. */
declare module '@echogarden/fvad-wasm' {
  /** The instantiated Emscripten module. */
  export interface FvadModule {
    HEAP16: Int16Array;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    _fvad_new(): number;
    _fvad_free(handle: number): void;
    _fvad_reset(handle: number): void;
    /** 0 (least aggressive) to 3; returns 0 on success. */
    _fvad_set_mode(handle: number, mode: number): number;
    /** 8000, 16000, 32000 or 48000; returns 0 on success. */
    _fvad_set_sample_rate(handle: number, sampleRate: number): number;
    /** 10, 20 or 30 ms of audio; returns 1 (speech), 0 (no speech) or -1 (invalid frame length). */
    _fvad_process(handle: number, frame: number, length: number): number;
  }
  const createFvadModule: () => Promise<FvadModule>;
  export default createFvadModule;
}
