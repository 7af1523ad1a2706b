/** A light, dependency-free VAD built on libfvad (WebRTC's VAD). */
import { VAD } from '@livekit/agents';
import type { FvadModule } from '@echogarden/fvad-wasm';
import { loadFvadModule } from './fvad-engine.ts';
import { type FvadVADOptions, type ResolvedFvadOptions, fvadOptionsSchema } from './fvad-options.ts';
import { FvadVADStream } from './fvad-stream.ts';

/**
 * Voice activity detection with `@echogarden/fvad-wasm` (56 KB, about 3 µs per 10 ms frame).
 * Segments clean speech as well as silero; in steady noise it raises more false starts (7 false
 * segments in 10 s of pink noise against 0 for silero), so prefer silero when it loads.
 *
 * @example
 * ```ts
 * const vad = await FvadVAD.load({ minSilenceDuration: 400 });
 * ```
 */
export class FvadVAD extends VAD {
  label = 'local/fvad';
  readonly #module: FvadModule;
  readonly #options: ResolvedFvadOptions;

  /** Use {@link FvadVAD.load}. */
  constructor(module: FvadModule, options: FvadVADOptions = {}) {
    super({ updateInterval: fvadOptionsSchema.parse(options).frameMs });
    this.#module = module;
    this.#options = fvadOptionsSchema.parse(options);
  }

  /** Loads the wasm (once per thread) and validates the options. */
  static async load(options: FvadVADOptions = {}): Promise<FvadVAD> {
    return new FvadVAD(await loadFvadModule(), options);
  }

  override get minSilenceDuration(): number {
    return this.#options.minSilenceDuration;
  }

  stream(): FvadVADStream {
    return new FvadVADStream(this, this.#module, this.#options);
  }
}
