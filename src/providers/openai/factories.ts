/** OpenAI and OpenAI-compatible servers, through `@livekit/agents-plugin-openai`. */
import * as openai from '@livekit/agents-plugin-openai';
import { numParam as num, requireKey, strParam as str, type Factories } from '../types.ts';
import { installRealtimeHandshakeGuard } from './realtime-handshake.ts';

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
