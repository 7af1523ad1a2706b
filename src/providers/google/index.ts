/** Google Gemini: the Gemini API LLM and Gemini Live (STS), with the organization's API key. */
export { GEMINI_BASE_URL } from './base-url.ts';
export { DEFAULT_GEMINI_VOICE, googleFactories } from './factories.ts';
export { googleAccount } from './account.ts';
export { GeminiLLM, type GeminiLLMOptions } from './llm.ts';
export { GeminiRealtimeModel, type GeminiRealtimeOptions } from './realtime-model.ts';
