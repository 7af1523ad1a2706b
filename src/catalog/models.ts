import { deepFreeze } from './freeze.ts';
import { modelId } from './ids.ts';
import {
  CARTESIA_SONIC_2_LANGUAGES,
  CARTESIA_SONIC_3_LANGUAGES,
  CARTESIA_SONIC_TURBO_LANGUAGES,
  DEEPGRAM_AURA_2_LANGUAGES,
  DEEPGRAM_NOVA_2_LANGUAGES,
  DEEPGRAM_NOVA_3_LANGUAGES,
  ELEVENLABS_MULTILINGUAL_V2_LANGUAGES,
  ELEVENLABS_V2_5_LANGUAGES,
  GEMINI_LIVE_LANGUAGES,
  OPENAI_SPEECH_LANGUAGES,
} from './languages.ts';
import type { CatalogModel, ModelType } from './types.ts';

interface ModelSpec {
  name: string;
  type: ModelType;
  /** Defaults to true. */
  isActive?: boolean;
  languages?: string[];
  description: string;
  streaming?: boolean;
}

// Models shut down by their vendor stay listed with isActive: false, so agents that stored their
// ids still resolve and are told the model is unavailable instead of "unknown model".
const specsByProvider: Record<string, ModelSpec[]> = {
  local: [
    {
      name: 'flite',
      type: 'TTS',
      languages: ['en'],
      description: 'CMU Flite speech synthesis, run in-process: robotic but instant, offline and free.',
      streaming: false,
    },
    {
      name: 'pocketsphinx',
      type: 'STT',
      languages: ['en-US'],
      description:
        'CMU PocketSphinx US-English recognition, run on this machine; modest accuracy, no network.',
      streaming: true,
    },
    {
      name: 'rules',
      type: 'LLM',
      languages: ['en'],
      description:
        'A deterministic intent responder for offline demos and tests. It is NOT a generative model: it ' +
        'matches the caller’s words against fixed rules and answers with canned replies.',
    },
  ],
  openai: [
    {
      name: 'tts-1',
      type: 'TTS',
      languages: OPENAI_SPEECH_LANGUAGES,
      description: 'OpenAI TTS optimized for latency.',
      streaming: true,
    },
    {
      name: 'tts-1-hd',
      type: 'TTS',
      languages: OPENAI_SPEECH_LANGUAGES,
      description: 'OpenAI TTS optimized for quality.',
      streaming: true,
    },
    {
      name: 'gpt-4o-mini-tts',
      type: 'TTS',
      languages: OPENAI_SPEECH_LANGUAGES,
      description:
        'GPT-4o mini speech: follows instructions about tone and delivery; speaks every OpenAI voice.',
      streaming: true,
    },
    {
      name: 'gpt-4o-transcribe',
      type: 'STT',
      languages: OPENAI_SPEECH_LANGUAGES,
      description: 'GPT-4o transcription.',
      streaming: true,
    },
    {
      name: 'gpt-4o-mini-transcribe',
      type: 'STT',
      languages: OPENAI_SPEECH_LANGUAGES,
      description: 'GPT-4o mini transcription: faster and cheaper than gpt-4o-transcribe.',
      streaming: true,
    },
    {
      name: 'whisper-1',
      type: 'STT',
      languages: OPENAI_SPEECH_LANGUAGES,
      description: 'Whisper V2 transcription of complete utterances (no incremental results).',
      streaming: false,
    },
    {
      name: 'gpt-realtime',
      type: 'STS',
      languages: OPENAI_SPEECH_LANGUAGES,
      description: 'OpenAI Realtime speech-to-speech with tool calling.',
      streaming: true,
    },
    {
      name: 'gpt-realtime-mini',
      type: 'STS',
      languages: OPENAI_SPEECH_LANGUAGES,
      description: 'Smaller, cheaper OpenAI Realtime speech-to-speech model.',
      streaming: true,
    },
    { name: 'gpt-4o', type: 'LLM', description: 'GPT-4o.', streaming: true },
    { name: 'gpt-4o-mini', type: 'LLM', description: 'GPT-4o mini: fast and inexpensive.', streaming: true },
    {
      name: 'gpt-4.1',
      type: 'LLM',
      description: 'GPT-4.1: strong instruction following and tool use.',
      streaming: true,
    },
    {
      name: 'gpt-4.1-mini',
      type: 'LLM',
      description: 'GPT-4.1 mini: fast and inexpensive.',
      streaming: true,
    },
  ],
  deepgram: [
    {
      name: 'nova-3',
      type: 'STT',
      languages: DEEPGRAM_NOVA_3_LANGUAGES,
      description: 'Deepgram Nova-3 streaming recognition, with multilingual code-switching.',
      streaming: true,
    },
    {
      name: 'nova-2',
      type: 'STT',
      languages: DEEPGRAM_NOVA_2_LANGUAGES,
      description: 'Deepgram Nova-2 streaming recognition, for languages Nova-3 does not cover yet.',
      streaming: true,
    },
    {
      name: 'aura-2',
      type: 'TTS',
      languages: DEEPGRAM_AURA_2_LANGUAGES,
      description:
        'Deepgram Aura-2 speech. Each voice is its own Deepgram model string (e.g. aura-2-thalia-en), ' +
        'which is the voice id.',
      streaming: true,
    },
  ],
  elevenlabs: [
    {
      name: 'eleven_flash_v2_5',
      type: 'TTS',
      languages: ELEVENLABS_V2_5_LANGUAGES,
      description: 'ElevenLabs Flash v2.5: lowest latency (~75 ms), 32 languages.',
      streaming: true,
    },
    {
      name: 'eleven_turbo_v2_5',
      type: 'TTS',
      languages: ELEVENLABS_V2_5_LANGUAGES,
      description: 'ElevenLabs Turbo v2.5: low latency, 32 languages.',
      streaming: true,
    },
    {
      name: 'eleven_multilingual_v2',
      type: 'TTS',
      languages: ELEVENLABS_MULTILINGUAL_V2_LANGUAGES,
      description: 'ElevenLabs Multilingual v2: most lifelike, higher latency, 29 languages.',
      streaming: true,
    },
  ],
  cartesia: [
    {
      name: 'sonic-3',
      type: 'TTS',
      languages: CARTESIA_SONIC_3_LANGUAGES,
      description: 'Cartesia Sonic-3: low-latency speech in 42 languages.',
      streaming: true,
    },
    {
      name: 'sonic-2',
      type: 'TTS',
      languages: CARTESIA_SONIC_2_LANGUAGES,
      description: 'Cartesia Sonic-2 (8 languages since Cartesia retired the others on 2026-06-01).',
      streaming: true,
    },
    {
      name: 'sonic-turbo',
      type: 'TTS',
      languages: CARTESIA_SONIC_TURBO_LANGUAGES,
      description: 'Cartesia Sonic Turbo: lowest latency (9 languages since 2026-06-01).',
      streaming: true,
    },
  ],
  google: [
    {
      name: 'gemini-3.5-flash',
      type: 'LLM',
      description: 'Gemini 3.5 Flash.',
      streaming: true,
    },
    {
      name: 'gemini-2.5-flash',
      type: 'LLM',
      isActive: false,
      description:
        'Gemini 2.5 Flash. Google’s deprecation schedule set its shutdown for 2026-06-17; use gemini-3.5-flash.',
      streaming: true,
    },
    {
      name: 'gemini-2.5-pro',
      type: 'LLM',
      isActive: false,
      description: 'Gemini 2.5 Pro. Google’s deprecation schedule set its shutdown for 2026-06-17.',
      streaming: true,
    },
    {
      name: 'gemini-2.0-flash',
      type: 'LLM',
      isActive: false,
      description:
        'Gemini 2.0 Flash. Google shut the Gemini 2.0 Flash family down in 2026; use gemini-3.5-flash.',
      streaming: true,
    },
    {
      name: 'gemini-3.1-flash-live-preview',
      type: 'STS',
      languages: GEMINI_LIVE_LANGUAGES,
      description: 'Gemini Live (native audio) speech-to-speech, preview.',
      streaming: true,
    },
    {
      name: 'gemini-live-2.5-flash-preview',
      type: 'STS',
      isActive: false,
      languages: GEMINI_LIVE_LANGUAGES,
      description:
        'Gemini Live 2.5 Flash. Shut down by Google on 2025-12-09; use gemini-3.1-flash-live-preview.',
      streaming: true,
    },
    {
      name: 'gemini-2.0-flash-live-001',
      type: 'STS',
      isActive: false,
      languages: GEMINI_LIVE_LANGUAGES,
      description:
        'Gemini 2.0 Flash Live. Shut down by Google on 2025-12-09; use gemini-3.1-flash-live-preview.',
      streaming: true,
    },
  ],
  'openai-compatible': [
    {
      name: 'custom',
      type: 'LLM',
      description:
        'The model named in the agent’s llmModelParams.model, served at the organization’s baseUrl by ' +
        'any OpenAI-compatible server (Ollama, vLLM, LM Studio, Groq, Together).',
      streaming: true,
    },
  ],
  anthropic: [
    { name: 'claude-sonnet-4-6', type: 'LLM', description: 'Claude Sonnet 4.6.', streaming: true },
    {
      name: 'claude-opus-4-7',
      type: 'LLM',
      description: 'Claude Opus 4.7: most capable, slower.',
      streaming: true,
    },
    { name: 'claude-sonnet-4-5', type: 'LLM', description: 'Claude Sonnet 4.5.', streaming: true },
    {
      name: 'claude-haiku-4-5',
      type: 'LLM',
      description: 'Claude Haiku 4.5: fastest Claude model.',
      streaming: true,
    },
    {
      name: 'claude-opus-4-1',
      type: 'LLM',
      isActive: false,
      description: 'Claude Opus 4.1. Anthropic scheduled its retirement for 2026-08-05; use claude-opus-4-7.',
      streaming: true,
    },
  ],
};

/** Every model Parley ships in its catalog. */
export const builtinModels: readonly CatalogModel[] = deepFreeze(
  Object.entries(specsByProvider).flatMap(([provider, specs]) =>
    specs.map(({ name, type, isActive = true, languages, description, streaming }) => ({
      id: modelId(provider, type, name),
      name,
      provider,
      type,
      isActive,
      ...(languages ? { languages } : {}),
      description,
      ...(streaming === undefined ? {} : { streaming }),
    })),
  ),
);

const byId = new Map(builtinModels.map((m) => [m.id, m]));

/** The built-in model with this id, or undefined. */
export function getModel(id: string): CatalogModel | undefined {
  return byId.get(id.toLowerCase());
}

/** The built-in model a provider calls `name`, of the given type, or undefined. */
export function findModel(provider: string, type: ModelType, name: string): CatalogModel | undefined {
  return byId.get(modelId(provider, type, name));
}
