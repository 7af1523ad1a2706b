/**
 * ElevenLabs voices as catalog voices: the mapping from one entry of `GET /v2/voices` (the same
 * `VoiceResponseModel` the deprecated `GET /v1/voices` returns) to a {@link CatalogVoice}. Pure:
 * no I/O, so the account's live library and the built-in premade list describe voices alike.
 */
import { builtinModels, type CatalogVoice, type VoiceGender } from '../../catalog/index.ts';
import { ELEVENLABS_PCM_RATES } from './options.ts';

/** The fields of ElevenLabs' `VoiceResponseModel` the mapping reads. */
export interface ElevenLabsVoice {
  voice_id: string;
  name: string;
  category?: string;
  /** Free-form labels; ElevenLabs sets `gender`, `accent`, `language`, `age`, `descriptive`, `use_case`. */
  labels?: Record<string, string> | null;
  description?: string | null;
  preview_url?: string | null;
  /** Models the voice was fine-tuned or verified for (ElevenLabs also lists aliases here). */
  high_quality_base_model_ids?: string[] | null;
  verified_languages?:
    | {
        language: string;
        model_id?: string | null;
        accent?: string | null;
        locale?: string | null;
        preview_url?: string | null;
      }[]
    | null;
  fine_tuning?: { language?: string | null } | null;
}

/** The catalog's active ElevenLabs TTS models, with their languages. */
const CATALOG_MODELS = builtinModels.filter(
  (m) => m.provider === 'elevenlabs' && m.type === 'TTS' && m.isActive,
);

/** Alternative names ElevenLabs lists in `high_quality_base_model_ids` and `verified_languages`. */
const MODEL_ALIASES: Record<string, string> = {
  eleven_v2_5_flash: 'eleven_flash_v2_5',
  eleven_v2_flash: 'eleven_flash_v2',
};

/** The region an accent label implies, for a voice whose language comes without one. */
const ACCENT_REGIONS: Record<string, Record<string, string>> = {
  en: {
    american: 'US',
    british: 'GB',
    australian: 'AU',
    irish: 'IE',
    canadian: 'CA',
    indian: 'IN',
    'new zealand': 'NZ',
    'south african': 'ZA',
  },
  es: { castilian: 'ES', spain: 'ES', peninsular: 'ES', mexican: 'MX', argentinian: 'AR', colombian: 'CO' },
  pt: { brazilian: 'BR', european: 'PT', portuguese: 'PT' },
  fr: { parisian: 'FR', canadian: 'CA', quebecois: 'CA' },
};

/** `en`, `en-us`, `pt_BR` → `en`, `en-US`, `pt-BR`; undefined for anything else. */
function bcp47(tag: string | null | undefined): string | undefined {
  const m = /^([a-z]{2,3})(?:[-_]([a-z]{2}|\d{3}))?$/i.exec(tag?.trim() ?? '');
  if (!m) return undefined;
  return m[2] ? `${m[1]!.toLowerCase()}-${m[2].toUpperCase()}` : m[1]!.toLowerCase();
}

/** A label in plain lowercase words: `us_southern` → `us southern`. */
function words(label: string | null | undefined): string | undefined {
  const w = label?.trim().toLowerCase().replace(/[_-]+/g, ' ');
  return w ? w : undefined;
}

function primaryLanguage(v: ElevenLabsVoice, accent: string | undefined): string {
  const verified = v.verified_languages?.[0];
  const tag =
    bcp47(verified?.locale) ??
    bcp47(verified?.language) ??
    bcp47(v.labels?.language) ??
    bcp47(v.fine_tuning?.language) ??
    // Voices without any language label are ElevenLabs' English ones.
    'en';
  if (tag.includes('-') || !accent) return tag;
  const region = ACCENT_REGIONS[tag]?.[accent];
  return region ? `${tag}-${region}` : tag;
}

/** The catalog models among the ones ElevenLabs lists for the voice; all of them when it lists none. */
function catalogModelsOf(v: ElevenLabsVoice): string[] {
  const listed = new Set(
    [
      ...(v.high_quality_base_model_ids ?? []),
      ...(v.verified_languages ?? []).map((l) => l.model_id ?? ''),
    ].map((id) => MODEL_ALIASES[id] ?? id),
  );
  const known = CATALOG_MODELS.filter((m) => listed.has(m.name)).map((m) => m.name);
  return known.length > 0 ? known : CATALOG_MODELS.map((m) => m.name);
}

function genderOf(v: ElevenLabsVoice): VoiceGender {
  const g = v.labels?.gender?.trim().toLowerCase();
  return g === 'male' || g === 'female' ? g : 'neutral';
}

/**
 * One ElevenLabs voice as a catalog voice. `languages` is every language its models speak (an
 * ElevenLabs voice speaks all of its model's languages) plus the ones it is verified in;
 * `language` the one it was recorded or verified in, with the region its accent implies.
 */
export function toCatalogVoice(v: ElevenLabsVoice): CatalogVoice {
  const accent = words(v.labels?.accent) ?? words(v.verified_languages?.[0]?.accent);
  const modelIds = catalogModelsOf(v);
  const languages = new Set<string>();
  for (const m of CATALOG_MODELS) {
    if (modelIds.includes(m.name)) for (const l of m.languages ?? []) languages.add(l);
  }
  for (const l of v.verified_languages ?? []) {
    const base = bcp47(l.language)?.split('-')[0];
    if (base) languages.add(base);
  }
  const description = v.description?.trim() || v.labels?.descriptive?.trim() || v.labels?.description?.trim();
  const previewUrl =
    v.preview_url ?? v.verified_languages?.find((l) => l.preview_url)?.preview_url ?? undefined;
  return {
    id: v.voice_id,
    name: v.name,
    provider: 'elevenlabs',
    language: primaryLanguage(v, accent),
    languages: [...languages].sort(),
    gender: genderOf(v),
    ...(accent ? { accent } : {}),
    ...(description ? { description } : {}),
    ...(previewUrl ? { previewUrl } : {}),
    modelIds,
    sampleRates: [...ELEVENLABS_PCM_RATES],
  };
}

/** Whether `value` has the two fields a voice cannot do without. */
export function isElevenLabsVoice(value: unknown): value is ElevenLabsVoice {
  const v = value as Partial<ElevenLabsVoice> | null;
  return typeof v?.voice_id === 'string' && v.voice_id !== '' && typeof v.name === 'string';
}

/** The account's voices as catalog voices, in ElevenLabs' order, each id once; malformed entries are skipped. */
export function toCatalogVoices(voices: readonly unknown[]): CatalogVoice[] {
  const seen = new Set<string>();
  const out: CatalogVoice[] = [];
  for (const v of voices) {
    if (!isElevenLabsVoice(v) || seen.has(v.voice_id)) continue;
    seen.add(v.voice_id);
    out.push(toCatalogVoice(v));
  }
  return out;
}
