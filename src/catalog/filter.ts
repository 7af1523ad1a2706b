import type { CatalogModel, CatalogVoice, ModelType } from './types.ts';

/** Query of `GET /v1/voice/voices`; absent or empty fields do not filter. */
export interface VoiceFilter {
  /** Provider slug. */
  provider?: string;
  /** BCP-47 tag or prefix: `en` matches `en-US` and `en-GB`, `en-US` matches only `en-US`. */
  language?: string;
  /** `male`, `female` or `neutral`. */
  gender?: string;
  /** Case-insensitive substring of the voice's name. */
  search?: string;
}

/** Query of `GET /v1/voice/models` and `GET /v1/chat/models`; absent or empty fields do not filter. */
export interface ModelFilter {
  type?: ModelType;
  /** Provider slug. */
  provider?: string;
  /** BCP-47 tag or prefix, matched against the model's `languages`. */
  language?: string;
}

/** Lowercases and trims a filter value; undefined when it does not filter. */
function norm(value: string | undefined): string | undefined {
  const v = value?.trim().toLowerCase().replace(/_/g, '-');
  return v ? v : undefined;
}

/**
 * Whether a language tag falls under `wanted` (already normalized): equal, or `wanted` is a prefix
 * ending at a subtag boundary, so `en` matches `en-GB` but `e` and `en-U` match nothing.
 */
export function languageMatches(tag: string, wanted: string): boolean {
  const t = tag.toLowerCase().replace(/_/g, '-');
  return t === wanted || t.startsWith(`${wanted}-`);
}

function speaks(tags: readonly string[], wanted: string): boolean {
  return tags.some((t) => languageMatches(t, wanted));
}

/** The voices that pass every given filter, in catalog order. */
export function filterVoices(voices: readonly CatalogVoice[], f: VoiceFilter): CatalogVoice[] {
  const provider = norm(f.provider);
  const language = norm(f.language);
  const gender = norm(f.gender);
  const search = f.search?.trim().toLowerCase();
  return voices.filter(
    (v) =>
      (!provider || v.provider === provider) &&
      (!language || speaks([v.language, ...(v.languages ?? [])], language)) &&
      (!gender || v.gender === gender) &&
      (!search || v.name.toLowerCase().includes(search)),
  );
}

/**
 * The models that pass every given filter, in catalog order. A model without `languages` (the
 * hosted LLMs) is not restricted by the catalog and passes any language filter.
 */
export function filterModels(models: readonly CatalogModel[], f: ModelFilter): CatalogModel[] {
  const provider = norm(f.provider);
  const language = norm(f.language);
  return models.filter(
    (m) =>
      (!f.type || m.type === f.type) &&
      (!provider || m.provider === provider) &&
      (!language || !m.languages || speaks(m.languages, language)),
  );
}
