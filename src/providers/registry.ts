import { getModel, type CatalogModel, type ModelType } from '../catalog/index.ts';
import { anthropicFactories } from './anthropic/index.ts';
import { cartesiaFactories } from './cartesia/index.ts';
import { deepgramFactories } from './deepgram/index.ts';
import { elevenlabsFactories } from './elevenlabs/index.ts';
import { FliteTTS, isFliteVoice } from './flite/index.ts';
import { googleFactories } from './google/index.ts';
import { openaiCompatibleFactories, openaiFactories } from './openai/index.ts';
import { PocketsphinxSTT } from './pocketsphinx/index.ts';
import { RulesLLM, rulesConfigSchema } from './rules/index.ts';
import { numParam as num, strParam as str, type Built, type Factories, type FactoryInput } from './types.ts';

export type { Built, Factories, FactoryInput } from './types.ts';

/** pocketsphinx's own default end-of-utterance silence (ms). */
const POCKETSPHINX_END_SILENCE_MS = 500;
/**
 * Time left for pocketsphinx to notice the silence and finish decoding before the turn ends (ms):
 * its silence counts from its own end-of-voice mark, itself a little after the voice stopped.
 */
const FINAL_DECODE_MARGIN_MS = 180;

/**
 * pocketsphinx ends an utterance (and sends its final transcript) after this much silence: early
 * enough that the final is there when the turn ends. An utterance ended early is harmless: the
 * finals of one turn are joined.
 */
export function pocketsphinxEndSilenceMs(turnSilenceMs: number | undefined): number {
  if (turnSilenceMs === undefined) return POCKETSPHINX_END_SILENCE_MS;
  return Math.min(POCKETSPHINX_END_SILENCE_MS, Math.max(150, turnSilenceMs - FINAL_DECODE_MARGIN_MS));
}

/**
 * Catalog provider slug → a factory per capability. Agents are stored in the database and name
 * providers with strings; this table is the one place those strings become objects.
 */
export const registry: Record<string, Factories> = {
  local: {
    TTS: ({ params }) => {
      const voice = str(params.voice) ?? 'slt';
      return new FliteTTS({ voice: isFliteVoice(voice) ? voice : 'slt', speed: num(params.speed) });
    },
    STT: ({ params, expectedPhrases, language, turnSilenceMs }) =>
      new PocketsphinxSTT({
        language: language ?? 'en-US',
        endSilenceMs: pocketsphinxEndSilenceMs(turnSilenceMs),
        languageModel:
          params.languageModel === 'generic' || expectedPhrases.length === 0
            ? { kind: 'generic' }
            : { kind: 'domain', phrases: expectedPhrases },
      }),
    LLM: ({ params }) =>
      new RulesLLM(
        rulesConfigSchema.parse(
          Object.keys(params).length > 0
            ? params
            : { intents: [], fallbackReply: 'Sorry, this agent has no answers configured yet.' },
        ),
      ),
  },
  openai: openaiFactories,
  'openai-compatible': openaiCompatibleFactories,
  deepgram: deepgramFactories,
  elevenlabs: elevenlabsFactories,
  cartesia: cartesiaFactories,
  anthropic: anthropicFactories,
  google: googleFactories,
};

/** Whether the registry can build this catalog model. */
export function hasFactory(model: Pick<CatalogModel, 'provider' | 'type'>): boolean {
  return registry[model.provider]?.[model.type] !== undefined;
}

/** Builds the provider object for a catalog model id. */
export function build<T extends ModelType>(
  type: T,
  modelId: string,
  input: Omit<FactoryInput, 'model'>,
): Built[T] {
  const model = getModel(modelId);
  if (!model) throw new Error(`Unknown model id ${modelId}.`);
  if (model.type !== type)
    throw new Error(`Model ${model.provider}/${model.name} is ${model.type}, not ${type}.`);
  const factory = registry[model.provider]?.[type] as ((i: FactoryInput) => Built[T]) | undefined;
  if (!factory) throw new Error(`Parley cannot run ${model.provider}/${model.name} (${type}) yet.`);
  return factory({ ...input, model });
}
