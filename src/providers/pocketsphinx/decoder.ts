/** One pocketsphinx decoder instance (worker thread only). */
import type { PocketsphinxBinding } from './binding.ts';

/** Files and settings a decoder is created with. */
export interface DecoderConfig {
  acousticModel: string;
  languageModel: string;
  dictionary: string;
  /** Trailing non-speech, in ms, before pocketsphinx's voice activity detector ends an utterance. */
  endSilenceMs: number;
}

/**
 * Wraps a `ps_decoder_t`. Live cepstral mean normalisation adapts across utterances of one
 * decoder, so results depend on what it heard before; create a new decoder where determinism
 * matters (see `decoderScope`).
 */
export class PocketsphinxDecoder {
  readonly #ps: PocketsphinxBinding;
  #handle: unknown;
  #inUtterance = false;

  /** Loads the model (generic en-us LM: 0.5–0.8 s; a small domain LM: about 30 ms). */
  constructor(binding: PocketsphinxBinding, config: DecoderConfig) {
    this.#ps = binding;
    const argv = [
      '-hmm',
      config.acousticModel,
      '-lm',
      config.languageModel,
      '-dict',
      config.dictionary,
      '-vad_postspeech',
      String(Math.max(10, Math.round(config.endSilenceMs / 10))),
    ];
    const parsed = binding.cmd_ln_parse_r(null, binding.ps_args(), argv.length, argv, 1);
    if (!parsed) throw new Error(`pocketsphinx rejected its arguments: ${argv.join(' ')}`);
    const handle = binding.ps_init(parsed);
    if (!handle)
      throw new Error(`pocketsphinx could not load ${config.languageModel} / ${config.dictionary}`);
    this.#handle = handle;
  }

  /** Starts an utterance if none is open. */
  start(): void {
    if (this.#inUtterance) return;
    if (this.#ps.ps_start_utt(this.#handle) < 0) throw new Error('ps_start_utt failed');
    this.#inUtterance = true;
  }

  /** Decodes more 16 kHz mono audio. */
  process(samples: Int16Array): void {
    this.start();
    if (samples.length && this.#ps.ps_process_raw(this.#handle, samples, samples.length, 0, 0) < 0) {
      throw new Error('ps_process_raw failed');
    }
  }

  /** Whether pocketsphinx's voice activity detector currently hears speech. */
  get inSpeech(): boolean {
    return this.#inUtterance && this.#ps.ps_get_in_speech(this.#handle) !== 0;
  }

  /** The best hypothesis so far (partial while the utterance is open). */
  hypothesis(): string {
    return (this.#ps.ps_get_hyp(this.#handle, [0]) ?? '').trim();
  }

  /** Ends the utterance and returns its final hypothesis. */
  end(): string {
    if (!this.#inUtterance) return '';
    this.#ps.ps_end_utt(this.#handle);
    this.#inUtterance = false;
    return this.hypothesis();
  }

  /** Decodes a whole utterance. */
  decode(samples: Int16Array): string {
    this.end();
    this.start();
    for (let offset = 0; offset < samples.length; offset += 1600) {
      this.process(samples.subarray(offset, Math.min(offset + 1600, samples.length)));
    }
    return this.end();
  }

  /** Frees the native decoder. */
  free(): void {
    if (this.#handle) this.#ps.ps_free(this.#handle);
    this.#handle = undefined;
  }
}
