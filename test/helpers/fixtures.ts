import { modelId } from '../../src/catalog/index.ts';

/** Catalog model ids used across the suites. */
export const models = {
  stt: modelId('local', 'STT', 'pocketsphinx'),
  llm: modelId('local', 'LLM', 'rules'),
  tts: modelId('local', 'TTS', 'flite'),
  openaiTts: modelId('openai', 'TTS', 'tts-1'),
  openaiLlm: modelId('openai', 'LLM', 'gpt-4o-mini'),
  openaiSts: modelId('openai', 'STS', 'gpt-realtime'),
};

/** A minimal valid agent body. */
export const basicAgent = (over: Record<string, unknown> = {}) => ({
  fullName: 'Bakery Assistant',
  description: 'Answers questions about the bakery.',
  role: 'receptionist',
  ...over,
});

/** A voice agent on the offline pipeline (pocketsphinx → rules → flite). */
export const offlineVoiceAgent = (over: Record<string, unknown> = {}) =>
  basicAgent({
    language: 'en-US',
    voiceEnabled: true,
    voicePipelineMode: 'pipeline',
    sttModelId: models.stt,
    modelId: models.llm,
    ttsModelId: models.tts,
    ttsModelParams: { voice: 'slt' },
    voiceParams: {
      welcomeMode: 'aiInitiatesStatic',
      welcomeText: 'Hello, thank you for calling the bakery.',
    },
    llmModelParams: {
      intents: [
        { name: 'hours', examples: ['what time do you open'], reply: 'We open at nine in the morning.' },
      ],
      fallbackReply: 'Sorry, I did not catch that.',
    },
    ...over,
  });
