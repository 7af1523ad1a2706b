import type { llm, stt, tts } from '@livekit/agents';
import * as openai from '@livekit/agents-plugin-openai';
import { getModel, type CatalogModel, type ModelType } from '../catalog/index.ts';
import type { ProviderCredentials } from '../domain/providers/credentials.ts';
import { FliteTTS, isFliteVoice } from './flite/index.ts';
import { installRealtimeHandshakeGuard } from './openai/realtime-handshake.ts';
import { PocketsphinxSTT } from './pocketsphinx/index.ts';
import { RulesLLM, rulesConfigSchema } from './rules/index.ts';

/** What a factory gets: the model, the agent's parameters for it, and the org's credentials. */
export interface FactoryInput {
  model: CatalogModel;
  /** The agent's `ttsModelParams`, `sttModelParams`, `stsModelParams` or `llmModelParams`. */
  params: Record<string, unknown>;
  /** The agent's language (BCP-47), if set. */
  language?: string;
  /** Phrases the agent expects to hear (key terms, rule examples), for recognizers that can use them. */
  expectedPhrases: string[];
  /** Decrypted credentials; undefined for local providers. */
  credentials?: ProviderCredentials;
}

/** The built provider objects, by capability. */
export interface Built {
  STT: stt.STT;
  TTS: tts.TTS;
  LLM: llm.LLM;
  STS: llm.RealtimeModel;
}

type Factories = { [T in ModelType]?: (input: FactoryInput) => Built[T] };

function requireKey(input: FactoryInput): string {
  if (!input.credentials?.apiKey) {
    throw new Error(`Provider '${input.model.provider}' has no credentials for this organization.`);
  }
  return input.credentials.apiKey;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

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
    STT: ({ params, expectedPhrases, language }) =>
      new PocketsphinxSTT({
        language: language ?? 'en-US',
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
  openai: {
    LLM: (i) =>
      new openai.LLM({ model: i.model.name, apiKey: requireKey(i), baseURL: i.credentials?.baseUrl }),
    TTS: (i) =>
      new openai.TTS({
        model: i.model.name,
        voice: (str(i.params.voice) ?? 'alloy') as openai.TTSOptions['voice'],
        speed: num(i.params.speed) ?? 1,
        apiKey: requireKey(i),
        baseURL: i.credentials?.baseUrl,
      }),
    STT: (i) =>
      new openai.STT({
        model: i.model.name,
        // The plugin defaults to the realtime websocket; models the catalog lists as non-streaming
        // (whisper-1) go to POST /audio/transcriptions per utterance, cut by the session's VAD.
        useRealtime: i.model.streaming === true,
        language: (i.language ?? 'en').split('-')[0]!,
        apiKey: requireKey(i),
        baseURL: i.credentials?.baseUrl,
      }),
    STS: (i) => {
      installRealtimeHandshakeGuard();
      return new openai.realtime.RealtimeModel({
        model: i.model.name,
        voice: str(i.params.voice),
        modalities: Array.isArray(i.params.modalities)
          ? (i.params.modalities as ('text' | 'audio')[])
          : undefined,
        apiKey: requireKey(i),
        baseURL: i.credentials?.baseUrl,
      });
    },
  },
  'openai-compatible': {
    LLM: (i) =>
      new openai.LLM({
        model: str(i.params.model) ?? i.model.name,
        apiKey: requireKey(i),
        baseURL: i.credentials?.baseUrl,
      }),
  },
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
