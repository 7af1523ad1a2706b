import { builtinModels, filterModels, type ModelFilter } from '../../catalog/index.ts';
import { requireScope, type Ctx } from '../context.ts';

const strip = ({
  id,
  name,
  provider,
  type,
  isActive,
  languages,
  description,
}: (typeof builtinModels)[number]) => ({
  id,
  name,
  provider,
  type,
  isActive,
  ...(languages ? { languages } : {}),
  ...(description ? { description } : {}),
});

/** `GET /v1/voice/models`: TTS, STT and STS models (all three unless `type` is given). */
export async function listVoiceModels({ ctx, input }: { ctx: Ctx; input: ModelFilter }) {
  requireScope(ctx, 'voice:read');
  const models = filterModels(builtinModels, input).filter((m) => m.type !== 'LLM');
  return { data: models.map(strip) };
}

/** `GET /v1/chat/models`: LLMs for an agent's `modelId`. */
export async function listChatModels({ ctx, input }: { ctx: Ctx; input: Omit<ModelFilter, 'type'> }) {
  requireScope(ctx, 'agents:read');
  return { data: filterModels(builtinModels, { ...input, type: 'LLM' }).map(strip) };
}
