/**
 * koffi declarations of the pocketsphinx 5prealpha C API used here. Loading is synchronous and the
 * calls block, so this module is only imported by the decode worker.
 */
import koffi from 'koffi';
import { POCKETSPHINX_LIBRARIES } from './availability.ts';

/** Opaque C pointers. */
type Pointer = unknown;

/** The C functions, typed for TypeScript. */
export interface PocketsphinxBinding {
  err_set_logfp(fp: null): void;
  cmd_ln_parse_r(inout: null, defn: Pointer, argc: number, argv: string[], strict: number): Pointer;
  ps_args(): Pointer;
  ps_init(config: Pointer): Pointer;
  ps_free(ps: Pointer): number;
  ps_start_utt(ps: Pointer): number;
  ps_process_raw(ps: Pointer, data: Int16Array, n: number, noSearch: number, fullUtt: number): number;
  ps_end_utt(ps: Pointer): number;
  ps_get_hyp(ps: Pointer, score: [number]): string | null;
  ps_get_in_speech(ps: Pointer): number;
}

let binding: PocketsphinxBinding | undefined;

/** Loads the libraries once per thread and silences pocketsphinx's stderr logging. */
export function loadPocketsphinxBinding(): PocketsphinxBinding {
  if (binding) return binding;
  const sb = koffi.load(POCKETSPHINX_LIBRARIES.sphinxbase);
  const ps = koffi.load(POCKETSPHINX_LIBRARIES.pocketsphinx);
  binding = {
    err_set_logfp: sb.func('void err_set_logfp(void *fp)'),
    cmd_ln_parse_r: sb.func(
      'void *cmd_ln_parse_r(void *inout, void *defn, int argc, const char **argv, int strict)',
    ),
    ps_args: ps.func('void *ps_args()'),
    ps_init: ps.func('void *ps_init(void *config)'),
    ps_free: ps.func('int ps_free(void *ps)'),
    ps_start_utt: ps.func('int ps_start_utt(void *ps)'),
    ps_process_raw: ps.func(
      'int ps_process_raw(void *ps, const int16_t *data, size_t n, int no_search, int full_utt)',
    ),
    ps_end_utt: ps.func('int ps_end_utt(void *ps)'),
    ps_get_hyp: ps.func('const char *ps_get_hyp(void *ps, _Out_ int *score)'),
    ps_get_in_speech: ps.func('uint8_t ps_get_in_speech(void *ps)'),
  } as PocketsphinxBinding;
  binding.err_set_logfp(null);
  return binding;
}
