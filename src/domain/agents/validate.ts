import { getModel, type ModelType } from '../../catalog/index.ts';
import type { agents } from '../../db/schema.ts';
import { rulesConfigSchema } from '../../providers/rules/config.ts';
import { validation, type FieldIssue } from '../errors.ts';

type AgentValues = Omit<typeof agents.$inferInsert, 'id' | 'orgId'>;

const modelFields: [keyof AgentValues & string, ModelType][] = [
  ['modelId', 'LLM'],
  ['sttModelId', 'STT'],
  ['ttsModelId', 'TTS'],
  ['stsModelId', 'STS'],
];

const modeNeeds: Record<'pipeline' | 'sts' | 'hybrid', (keyof AgentValues & string)[]> = {
  pipeline: ['sttModelId', 'modelId', 'ttsModelId'],
  sts: ['stsModelId'],
  hybrid: ['stsModelId', 'sttModelId', 'modelId', 'ttsModelId'],
};

/**
 * The rules every stored agent satisfies: model ids exist and have the right type, a voice agent
 * has a mode, and the mode has its models. Raises VALIDATION_ERROR with one issue per field.
 */
export function validateAgent(values: AgentValues): void {
  const issues: FieldIssue[] = [];
  for (const [field, type] of modelFields) {
    const id = values[field] as string | null | undefined;
    if (!id) continue;
    const model = getModel(id);
    if (!model) issues.push({ field, message: `Unknown model id ${id}. List models at /v1/voice/models.` });
    else if (model.type !== type)
      issues.push({
        field,
        message: `Model ${model.provider}/${model.name} is ${model.type}, expected ${type}.`,
      });
  }
  if (values.voiceEnabled && !values.voicePipelineMode) {
    issues.push({ field: 'voicePipelineMode', message: 'Required when voiceEnabled is true.' });
  }
  if (values.voicePipelineMode) {
    for (const field of modeNeeds[values.voicePipelineMode]) {
      if (!values[field]) {
        issues.push({ field, message: `Required by voicePipelineMode '${values.voicePipelineMode}'.` });
      }
    }
  }
  const llm = values.modelId ? getModel(values.modelId) : undefined;
  if (llm?.provider === 'local' && llm.name === 'rules' && values.llmModelParams) {
    const parsed = rulesConfigSchema.safeParse(values.llmModelParams);
    if (!parsed.success) {
      for (const i of parsed.error.issues) {
        issues.push({ field: ['llmModelParams', ...i.path.map(String)].join('.'), message: i.message });
      }
    }
  }
  if (llm?.provider === 'openai-compatible') {
    const model = (values.llmModelParams as { model?: unknown } | null | undefined)?.model;
    if (typeof model !== 'string' || model.trim() === '' || model.length > 200) {
      issues.push({
        field: 'llmModelParams.model',
        message: 'Name the model your OpenAI-compatible server serves, e.g. "llama3.1:8b".',
      });
    }
  }
  const voice = values.ttsModelParams?.voice;
  if (voice !== undefined && (typeof voice !== 'string' || voice.length === 0 || voice.length > 200)) {
    issues.push({ field: 'ttsModelParams.voice', message: 'Expected a voice id from /v1/voice/voices.' });
  }
  const welcome = values.voiceParams as { welcomeMode?: string; welcomeText?: string } | null | undefined;
  if (welcome?.welcomeMode === 'aiInitiatesStatic' && !welcome.welcomeText) {
    issues.push({
      field: 'voiceParams.welcomeText',
      message: "Required when welcomeMode is 'aiInitiatesStatic'.",
    });
  }
  if (issues.length) throw validation('The agent is invalid.', issues);
}
