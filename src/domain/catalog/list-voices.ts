import { builtinVoices, filterVoices, type CatalogVoice, type VoiceFilter } from '../../catalog/index.ts';
import { requireScope, type Ctx } from '../context.ts';
import { mergeVoices, type LiveVoiceResult } from '../providers/live-voices.ts';
import type { ProviderServices } from '../providers/services.ts';

/** One answer of `GET /v1/voice/voices`; the same query on the same voices gets the same object. */
export interface VoiceListing {
  /** Frozen: shared between requests. */
  readonly data: CatalogVoice[];
}

/** Filtered listings per voice set, so a hot listing is neither filtered nor serialized again. */
const listings = new WeakMap<readonly CatalogVoice[], Map<string, VoiceListing>>();
/** Distinct queries remembered per voice set (`search` is free text, so the set is bounded). */
const LISTINGS_PER_SET = 256;
/** Each organization's last merge of live voices, reused while its accounts' voices are unchanged. */
const merged = new Map<string, { live: LiveVoiceResult[]; voices: readonly CatalogVoice[] }>();
const MERGED_ORGS_MAX = 10_000;

function sameVoices(a: LiveVoiceResult[], b: LiveVoiceResult[]): boolean {
  return a.length === b.length && a.every((r, i) => r.slug === b[i]!.slug && r.voices === b[i]!.voices);
}

function voicesOf(orgId: string, live: LiveVoiceResult[]): readonly CatalogVoice[] {
  if (!live.length) return builtinVoices;
  const last = merged.get(orgId);
  if (last && sameVoices(last.live, live)) return last.voices;
  if (merged.size >= MERGED_ORGS_MAX) merged.clear();
  const voices = mergeVoices(builtinVoices, live);
  merged.set(orgId, { live, voices });
  return voices;
}

function listing(voices: readonly CatalogVoice[], input: VoiceFilter): VoiceListing {
  let byQuery = listings.get(voices);
  if (!byQuery) listings.set(voices, (byQuery = new Map()));
  const key = JSON.stringify([input.provider, input.language, input.gender, input.search]);
  let found = byQuery.get(key);
  if (!found) {
    if (byQuery.size >= LISTINGS_PER_SET) byQuery.clear();
    found = Object.freeze({ data: Object.freeze(filterVoices(voices, input)) as CatalogVoice[] });
    byQuery.set(key, found);
  }
  return found;
}

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
}): Promise<VoiceListing> {
  requireScope(ctx, 'voice:read');
  const live = await providers.liveVoices.forOrg(ctx.db, ctx.orgId);
  return listing(voicesOf(ctx.orgId, live), input);
}
