/** Deepgram's voice list: the TTS part of `GET /v1/models`, as catalog voices. */
import type { CatalogVoice, VoiceGender } from '../../catalog/index.ts';

/** One TTS model of `GET /v1/models` (the fields Parley reads). */
export interface DeepgramTtsModel {
  name?: string;
  canonical_name?: string;
  architecture?: string;
  languages?: string[];
  metadata?: { accent?: string; sample?: string; tags?: string[] };
}

const SAMPLE_RATES = [8000, 16000, 24000, 32000, 48000];

function genderOf(tags: string[] = []): VoiceGender {
  if (tags.includes('feminine')) return 'female';
  if (tags.includes('masculine')) return 'male';
  return 'neutral';
}

/**
 * A Deepgram TTS model as a voice (its canonical name is what `ttsModelParams.voice` takes), or
 * undefined for voices no catalog model speaks (first-generation Aura) or entries without a name.
 */
export function toCatalogVoice(model: DeepgramTtsModel): CatalogVoice | undefined {
  const id = model.canonical_name;
  if (!id || model.architecture !== 'aura-2') return undefined;
  const languages = (model.languages ?? []).filter((l) => typeof l === 'string' && l.length > 0);
  // The region-specific tag ("en-US") says more than the bare language.
  const language = languages.find((l) => l.includes('-')) ?? languages[0] ?? 'en';
  const name = model.name ?? id;
  const tags = model.metadata?.tags ?? [];
  return {
    id,
    name: name.charAt(0).toUpperCase() + name.slice(1),
    provider: 'deepgram',
    language,
    ...(languages.length > 1 ? { languages } : {}),
    gender: genderOf(tags),
    ...(model.metadata?.accent ? { accent: model.metadata.accent.toLowerCase() } : {}),
    ...(tags.length
      ? { description: tags.filter((t) => t !== 'feminine' && t !== 'masculine').join(', ') }
      : {}),
    ...(model.metadata?.sample ? { previewUrl: model.metadata.sample } : {}),
    modelIds: ['aura-2'],
    sampleRates: SAMPLE_RATES,
  };
}
