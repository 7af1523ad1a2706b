/** Options of {@link PocketsphinxSTT}. */
import { z } from 'zod';
import { DEFAULT_POCKETSPHINX_MODEL_DIR } from './availability.ts';

/** Which language model to decode with. */
export const pocketsphinxLanguageModelSchema = z.discriminatedUnion('kind', [
  /** Debian's general US English trigram model (about 0.6 s to load, 3–11 % WER on clean TTS). */
  z.object({ kind: z.literal('generic') }),
  /** A bigram model built from these phrases (the agent's key terms and rule examples). */
  z.object({ kind: z.literal('domain'), phrases: z.array(z.string()).min(1) }),
  /** Prebuilt ARPA/DMP model and dictionary files. */
  z.object({ kind: z.literal('files'), languageModelPath: z.string(), dictionaryPath: z.string() }),
]);

/** Serializable pocketsphinx settings (what an agent record stores). */
export const pocketsphinxOptionsSchema = z.object({
  /** en-us model directory; default Debian's. */
  modelDir: z.string().default(DEFAULT_POCKETSPHINX_MODEL_DIR),
  languageModel: pocketsphinxLanguageModelSchema.default({ kind: 'generic' }),
  /** Interim transcripts are sent at most this often while speech goes on. */
  interimIntervalMs: z.number().int().min(50).max(5000).default(300),
  /** Non-speech after which pocketsphinx ends an utterance and sends the final transcript. */
  endSilenceMs: z.number().int().min(100).max(3000).default(500),
  /**
   * `stream` (default): a fresh decoder per stream (per session); its cepstral mean adapts over
   * the call. `utterance`: a fresh decoder per utterance, so results never depend on what came
   * before (deterministic; each utterance costs a model load after it, 30 ms with a domain LM).
   */
  decoderScope: z.enum(['stream', 'utterance']).default('stream'),
  /** Language code reported with transcripts. */
  language: z.string().default('en-US'),
});

/** Constructor options of {@link PocketsphinxSTT}. */
export type PocketsphinxSTTOptions = z.input<typeof pocketsphinxOptionsSchema>;

/** Options after defaults. */
export type ResolvedPocketsphinxOptions = z.output<typeof pocketsphinxOptionsSchema>;
