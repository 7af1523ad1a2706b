import type { agents } from '../../db/schema.ts';

type Row = typeof agents.$inferSelect;

/** The contract's Agent shape. */
export function serializeAgent(row: Row) {
  return {
    id: row.id,
    fullName: row.fullName,
    description: row.description,
    role: row.role,
    language: row.language,
    systemPrompt: row.systemPrompt,
    specialInstructions: row.specialInstructions,
    modelId: row.modelId,
    sttModelId: row.sttModelId,
    ttsModelId: row.ttsModelId,
    stsModelId: row.stsModelId,
    ttsModelParams: row.ttsModelParams,
    sttModelParams: row.sttModelParams,
    stsModelParams: row.stsModelParams,
    llmModelParams: row.llmModelParams,
    voiceEnabled: row.voiceEnabled,
    voicePipelineMode: row.voicePipelineMode,
    voiceParams: row.voiceParams,
    welcomeAllowInterruptions: row.welcomeAllowInterruptions,
    isActive: row.isActive,
    orgId: row.orgId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type AgentView = ReturnType<typeof serializeAgent>;
