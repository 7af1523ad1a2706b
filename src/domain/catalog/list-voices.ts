import { builtinVoices, filterVoices, type VoiceFilter } from '../../catalog/index.ts';
import { requireScope, type Ctx } from '../context.ts';
import { mergeVoices } from '../providers/live-voices.ts';
import type { ProviderServices } from '../providers/services.ts';

/**
 * `GET /v1/voice/voices`: voices across providers, filtered by provider, language, gender and
 * name. Providers with live catalogs the organization configured contribute their account's
 * voices (cached); when those cannot be had, their built-in voices are served.
 */
export async function listVoices({
  ctx,
  providers,
  input,
}: {
  ctx: Ctx;
  providers: ProviderServices;
  input: VoiceFilter;
}) {
  requireScope(ctx, 'voice:read');
  const live = await providers.liveVoices.forOrg(ctx.db, ctx.orgId);
  const voices = live.length ? mergeVoices(builtinVoices, live) : builtinVoices;
  return { data: filterVoices(voices, input) };
}
