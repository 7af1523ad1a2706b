/** OpenAI and OpenAI-compatible servers, through `@livekit/agents-plugin-openai`. */
import * as openai from '@livekit/agents-plugin-openai';
import { numParam as num, requireKey, strParam as str, type Factories } from '../types.ts';
import { installRealtimeCloseGuard } from './realtime-close.ts';
import { installRealtimeHandshakeGuard } from './realtime-handshake.ts';
import { OpenAISTT } from './stt.ts';
import { OpenAITTS } from './tts.ts';

/** OpenAI's API root; an organization's `baseUrl` replaces it (a proxy or a regional gateway). */
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export const openaiFactories: Factories = {
  LLM: (i) =>
    new openai.LLM({
      model: i.model.name,
      apiKey: requireKey(i),
      baseURL: i.credentials?.baseUrl,
      temperature: num(i.params.temperature),
    }),
  TTS: (i) =>
    new OpenAITTS({
      model: i.model.name,
      voice: str(i.params.voice) ?? 'alloy',
      speed: num(i.params.speed),
      instructions: str(i.params.instructions),
      apiKey: requireKey(i),
      baseURL: i.credentials?.baseUrl ?? OPENAI_BASE_URL,
    }),
  // Every OpenAI transcription model goes through POST /audio/transcriptions, one request per
  // utterance cut by the session's VAD: the same path for all three, with classified errors.
  STT: (i) =>
    new OpenAISTT({
      model: i.model.name,
      language: (str(i.params.language) ?? i.language ?? 'en').split('-')[0]!,
      prompt: i.expectedPhrases.length ? i.expectedPhrases.slice(0, 50).join(', ') : undefined,
      apiKey: requireKey(i),
      baseURL: i.credentials?.baseUrl ?? OPENAI_BASE_URL,
    }),
  STS: (i) => {
    installRealtimeHandshakeGuard();
    installRealtimeCloseGuard();
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
};

/**
 * Any server speaking OpenAI's chat completions (Ollama, vLLM, LM Studio, Groq, Together): the
 * organization's `baseUrl` says where, the agent's `llmModelParams.model` which model.
 */
export const openaiCompatibleFactories: Factories = {
  LLM: (i) =>
    new openai.LLM({
      model: str(i.params.model) ?? i.model.name,
      // Local servers usually take no key, but the client insists on one.
      apiKey: i.credentials?.apiKey || 'none',
      baseURL: i.credentials?.baseUrl,
      temperature: num(i.params.temperature),
    }),
};
