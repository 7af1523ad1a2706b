import { getModel } from '../../catalog/index.ts';
import { build, type FactoryInput } from '../../providers/registry.ts';
import type { CallSpec } from '../load.ts';
import { expectedPhrases, turnSilenceMs, type VoiceBehaviour } from '../voice-params.ts';

function factoryInput(spec: CallSpec, modelId: string, params: unknown): Omit<FactoryInput, 'model'> {
  const provider = getModel(modelId)?.provider;
  return {
    params: (params ?? {}) as Record<string, unknown>,
    language: spec.agent.language ?? undefined,
    expectedPhrases: expectedPhrases(spec.agent),
    credentials: provider ? spec.credentials.get(provider) : undefined,
  };
}

/** The agent's instructions: its system prompt (or a sentence from its profile) and special instructions. */
export function instructionsOf(spec: CallSpec): string {
  const a = spec.agent;
  return [a.systemPrompt ?? `You are ${a.fullName}, ${a.role}. ${a.description}`, a.specialInstructions]
    .filter(Boolean)
    .join('\n\n');
}

/** STT → LLM → TTS objects for the agent's pipeline models (validated on write: all present). */
export function buildPipeline(spec: CallSpec, behaviour: VoiceBehaviour) {
  const a = spec.agent;
  return {
    stt: build('STT', a.sttModelId!, {
      ...factoryInput(spec, a.sttModelId!, a.sttModelParams),
      turnSilenceMs: turnSilenceMs(behaviour),
    }),
    llm: build('LLM', a.modelId!, factoryInput(spec, a.modelId!, a.llmModelParams)),
    tts: build('TTS', a.ttsModelId!, factoryInput(spec, a.ttsModelId!, a.ttsModelParams)),
  };
}

/** The agent's realtime (speech-to-speech) model. */
export function buildRealtime(spec: CallSpec) {
  const a = spec.agent;
  return build('STS', a.stsModelId!, factoryInput(spec, a.stsModelId!, a.stsModelParams));
}
