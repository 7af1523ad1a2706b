import { builtinModels, filterModels, type ModelFilter } from '../../catalog/index.ts';
import { requireScope, type Ctx } from '../context.ts';
import type { LocalRuntime } from '../providers/usable.ts';

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

/** Local models are active only when their runtime is installed on this machine. */
function withRuntime(runtime: LocalRuntime) {
  return (m: ReturnType<typeof strip>) =>
    m.provider === 'local' && m.name === 'pocketsphinx' && runtime.pocketsphinxMissing
      ? { ...m, isActive: false, description: `Not installed here: ${runtime.pocketsphinxMissing}` }
      : m;
}

/** `GET /v1/voice/models`: TTS, STT and STS models (all three unless `type` is given). */
export async function listVoiceModels({
  ctx,
  runtime,
  input,
}: {
  ctx: Ctx;
  runtime: LocalRuntime;
  input: ModelFilter;
}) {
  requireScope(ctx, 'voice:read');
  const models = filterModels(builtinModels, input).filter((m) => m.type !== 'LLM');
  return { data: models.map(strip).map(withRuntime(runtime)) };
}

/** `GET /v1/chat/models`: LLMs for an agent's `modelId`. */
export async function listChatModels({ ctx, input }: { ctx: Ctx; input: Omit<ModelFilter, 'type'> }) {
  requireScope(ctx, 'agents:read');
  return { data: filterModels(builtinModels, { ...input, type: 'LLM' }).map(strip) };
}
