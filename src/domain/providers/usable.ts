import { getModel, type CatalogModel } from '../../catalog/index.ts';
import type { agents } from '../../db/schema.ts';

/** What this machine can run locally; computed once at start-up by the entry point. */
export interface LocalRuntime {
  /** Why pocketsphinx cannot run, or undefined when it can. */
  pocketsphinxMissing?: string;
}

type AgentRow = typeof agents.$inferSelect;

/** The models an agent's mode uses. */
export function modelsOfAgent(agent: AgentRow): CatalogModel[] {
  const ids =
    agent.voicePipelineMode === 'sts'
      ? [agent.stsModelId]
      : agent.voicePipelineMode === 'hybrid'
        ? [agent.stsModelId, agent.sttModelId, agent.modelId, agent.ttsModelId]
        : [agent.sttModelId, agent.modelId, agent.ttsModelId];
  return ids.flatMap((id) => {
    const m = id ? getModel(id) : undefined;
    return m ? [m] : [];
  });
}

/** A reason the model cannot run for the organization now, or undefined when it can. */
export function unusableReason(
  model: CatalogModel,
  configured: Map<string, boolean>,
  runtime: LocalRuntime,
): string | undefined {
  if (model.provider === 'local') {
    if (model.type === 'STT' && model.name === 'pocketsphinx' && runtime.pocketsphinxMissing) {
      return `local/pocketsphinx is not installed on this machine: ${runtime.pocketsphinxMissing}`;
    }
    return undefined;
  }
  if (!model.isActive) return `${model.provider}/${model.name} is not available.`;
  const active = configured.get(model.provider);
  if (active === undefined) return `Provider '${model.provider}' is not configured for this organization.`;
  if (!active) return `Provider '${model.provider}' is disabled for this organization.`;
  return undefined;
}
