import type { stt as agentsStt } from '@livekit/agents';
import { getModel } from '../../catalog/index.ts';
import { build, type FactoryInput } from '../../providers/registry.ts';
import { setVadMinSilence } from '../../providers/vad/index.ts';
import type { CallSpec } from '../load.ts';
import { expectedPhrases, turnSilenceMs, vadSilenceMs, type VoiceBehaviour } from '../voice-params.ts';
import type { ModeInput } from './types.ts';

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

/** Whether the agent's TTS runs on this machine (synthesis costs nothing per request). */
export function speaksLocally(spec: CallSpec): boolean {
  return !!spec.agent.ttsModelId && getModel(spec.agent.ttsModelId)?.provider === 'local';
}

/** The agent's realtime (speech-to-speech) model. */
export function buildRealtime(spec: CallSpec) {
  const a = spec.agent;
  return build('STS', a.stsModelId!, factoryInput(spec, a.stsModelId!, a.stsModelParams));
}

/**
 * Gives the job's VAD (prewarmed, one call per process) this call's end-of-speech silence, for the
 * STT the mode listens with (none in `sts`).
 */
export function tuneVad(input: Pick<ModeInput, 'vad' | 'behaviour' | 'logger'>, stt?: agentsStt.STT): void {
  const silence = vadSilenceMs(input.behaviour, { wholeUtterances: stt?.capabilities.streaming === false });
  if (!setVadMinSilence(input.vad, silence)) {
    input.logger.warn({ silence }, "the VAD keeps its own end-of-speech silence, not the agent's");
  }
}
