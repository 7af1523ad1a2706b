/** Whether the Debian pocketsphinx libraries and the en-us model are installed. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import koffi from 'koffi';

/** Where Debian's `pocketsphinx-en-us` puts the US English model. */
export const DEFAULT_POCKETSPHINX_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';

/** Shared libraries loaded through koffi (Debian `libpocketsphinx3`, which pulls in `libsphinxbase3`). */
export const POCKETSPHINX_LIBRARIES = {
  sphinxbase: 'libsphinxbase.so.3',
  pocketsphinx: 'libpocketsphinx.so.3',
} as const;

/** Paths of the files of an en-us model directory. */
export function modelPaths(modelDir: string) {
  return {
    acousticModel: join(modelDir, 'en-us'),
    languageModel: join(modelDir, 'en-us.lm.bin'),
    dictionary: join(modelDir, 'cmudict-en-us.dict'),
  };
}

/** Outcome of {@link pocketsphinxAvailable}. */
export type PocketsphinxAvailability = { ok: true } | { ok: false; reason: string };

const INSTALL_HINT = 'install it with: apt-get install libpocketsphinx3 pocketsphinx-en-us';

/**
 * Checks that both shared libraries load and that the model files exist. Cheap (a dlopen and a few
 * stats); safe to call on the job thread.
 */
export function pocketsphinxAvailable(modelDir = DEFAULT_POCKETSPHINX_MODEL_DIR): PocketsphinxAvailability {
  for (const library of Object.values(POCKETSPHINX_LIBRARIES)) {
    try {
      koffi.load(library);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return { ok: false, reason: `cannot load ${library} (${detail}); ${INSTALL_HINT}` };
    }
  }
  for (const path of Object.values(modelPaths(modelDir))) {
    if (!existsSync(path)) return { ok: false, reason: `model file ${path} is missing; ${INSTALL_HINT}` };
  }
  return { ok: true };
}
