/** OpenAI (LLM, TTS, STT, Realtime STS) and OpenAI-compatible LLM servers. */
export { OPENAI_BASE_URL, openaiCompatibleFactories, openaiFactories } from './factories.ts';
export { openaiAccount, openaiCompatibleAccount } from './account.ts';
export { installRealtimeHandshakeGuard } from './realtime-handshake.ts';
export { OpenAITTS, OPENAI_TTS_SAMPLE_RATE } from './tts.ts';
export { OpenAISTT } from './stt.ts';
