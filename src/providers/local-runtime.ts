import { existsSync } from 'node:fs';
import koffi from 'koffi';
import type { LocalRuntime } from '../domain/providers/usable.ts';

const MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
export const POCKETSPHINX_INSTALL_HINT = 'sudo apt-get install -y libpocketsphinx3 pocketsphinx-en-us';

/** Probes what the local providers need; run once per process at start-up. */
export function probeLocalRuntime(): LocalRuntime {
  let pocketsphinxMissing: string | undefined;
  try {
    koffi.load('libpocketsphinx.so.3');
    if (!existsSync(`${MODEL_DIR}/en-us`))
      pocketsphinxMissing = `the en-us model is missing; run: ${POCKETSPHINX_INSTALL_HINT}`;
  } catch {
    pocketsphinxMissing = `libpocketsphinx3 is not installed; run: ${POCKETSPHINX_INSTALL_HINT}`;
  }
  return { pocketsphinxMissing };
}
