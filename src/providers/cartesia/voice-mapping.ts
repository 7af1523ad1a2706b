/** Cartesia's voice objects (`GET /voices`) as Parley catalog voices. */
import { z } from 'zod';
import { builtinModels, type CatalogVoice, type VoiceGender } from '../../catalog/index.ts';
import { CARTESIA_SAMPLE_RATES } from './options.ts';

/** One voice as Cartesia lists it (the fields Parley reads; Cartesia sends more). */
export const cartesiaVoiceSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  description: z.string().nullish(),
  /** ISO 639-1, e.g. `en`. */
  language: z.string().nullish(),
  /** `masculine`, `feminine` or `gender_neutral`; null when the owner did not say. */
  gender: z.string().nullish(),
  is_owner: z.boolean().nullish(),
  is_public: z.boolean().nullish(),
  created_at: z.string().nullish(),
});

/** A parsed Cartesia voice object. */
export type CartesiaVoice = z.infer<typeof cartesiaVoiceSchema>;

const GENDERS: Record<string, VoiceGender> = {
  masculine: 'male',
  feminine: 'female',
  gender_neutral: 'neutral',
};

/** Cartesia's gender presentation as the catalog's gender (`neutral` when unknown). */
export function catalogGender(gender: string | null | undefined): VoiceGender {
  return (gender && GENDERS[gender.toLowerCase()]) || 'neutral';
}

/** A Cartesia language code as BCP-47 (`en` → `en`, `pt_br` → `pt-BR`); `und` when missing. */
export function catalogLanguage(language: string | null | undefined): string {
  const parts = (language ?? '').trim().split(/[-_]/).filter(Boolean);
  if (parts.length === 0) return 'und';
  const [primary, ...rest] = parts;
  return [
    primary!.toLowerCase(),
    ...rest.map((p) =>
      p.length === 2
        ? p.toUpperCase()
        : p.length === 4
          ? p[0]!.toUpperCase() + p.slice(1).toLowerCase()
          : p.toLowerCase(),
    ),
  ].join('-');
}

/** The catalog's active Cartesia models that speak `language` (all of them when it is unknown). */
export function modelsForLanguage(language: string): string[] {
  const primary = language.split('-')[0]!;
  return builtinModels
    .filter((m) => m.provider === 'cartesia' && m.type === 'TTS' && m.isActive)
    .filter((m) => primary === 'und' || !m.languages || m.languages.includes(primary))
    .map((m) => m.name);
}

/** A Cartesia voice as a catalog voice. */
export function toCatalogVoice(voice: CartesiaVoice): CatalogVoice {
  const language = catalogLanguage(voice.language);
  const out: CatalogVoice = {
    id: voice.id,
    name: voice.name.trim() || voice.id,
    provider: 'cartesia',
    language,
    gender: catalogGender(voice.gender),
    modelIds: modelsForLanguage(language),
    sampleRates: [...CARTESIA_SAMPLE_RATES],
  };
  const description = voice.description?.trim();
  if (description) out.description = description;
  return out;
}
