import { builtinVoices, filterVoices, type VoiceFilter } from '../../catalog/index.ts';
import { requireScope, type Ctx } from '../context.ts';

/** `GET /v1/voice/voices`: voices across providers, filtered by provider, language, gender and name. */
export async function listVoices({ ctx, input }: { ctx: Ctx; input: VoiceFilter }) {
  requireScope(ctx, 'voice:read');
  return { data: filterVoices(builtinVoices, input) };
}
