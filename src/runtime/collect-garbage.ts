/**
 * A full garbage collection on demand, for code that allocates memory V8 does not see as heap
 * pressure. Each flite synthesis instantiates its WebAssembly module with a fresh 20 MB linear
 * memory; V8 collects dead instances only when the JS heap needs it, which in a synthesis thread
 * is almost never, so instances pile up until the process aborts (seen after 15–20 sentences in
 * one thread on Node 20). The flag is set from here rather than on the command line because only
 * the synthesis thread needs it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    // `gc` appears in contexts created after the flag is set.
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
