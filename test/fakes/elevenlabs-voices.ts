/**
 * The voice library the fake ElevenLabs account answers `GET /v2/voices` and `GET /v1/voices`
 * with: objects in the shape of ElevenLabs' `VoiceResponseModel` (the fields Parley reads, plus
 * enough of the rest to look like a real answer). Three premade voices with the label styles
 * ElevenLabs uses today, and three of the account's own voices that the built-in catalog cannot
 * know: an instant clone, a professional clone with verified languages, and a designed voice with
 * no gender label.
 */

/** One voice as ElevenLabs' voice-listing endpoints return it (the fields the fake fills in). */
export interface ElevenLabsVoiceJson {
  voice_id: string;
  name: string;
  category: 'premade' | 'cloned' | 'generated' | 'professional' | 'famous' | 'high_quality';
  labels: Record<string, string>;
  description: string | null;
  preview_url: string | null;
  available_for_tiers: string[];
  settings: null | {
    stability: number;
    similarity_boost: number;
    style: number;
    use_speaker_boost: boolean;
    speed: number;
  };
  high_quality_base_model_ids: string[];
  verified_languages: {
    language: string;
    model_id: string;
    accent: string | null;
    locale: string | null;
    preview_url: string | null;
  }[];
  fine_tuning: { is_allowed_to_fine_tune: boolean; state: Record<string, string>; language: string | null };
  samples: null | { sample_id: string; file_name: string; mime_type: string; size_bytes: number }[];
  sharing: null;
  is_owner: boolean;
  is_legacy: boolean;
  is_mixed: boolean;
  created_at_unix: number | null;
}

const PREVIEW = 'https://storage.googleapis.com/eleven-public-prod/premade/voices';

function premade(
  voice_id: string,
  name: string,
  labels: Record<string, string>,
  description: string,
  locale: string,
): ElevenLabsVoiceJson {
  const preview = `${PREVIEW}/${voice_id}/preview.mp3`;
  return {
    voice_id,
    name,
    category: 'premade',
    labels,
    description,
    preview_url: preview,
    available_for_tiers: [],
    settings: null,
    high_quality_base_model_ids: [
      'eleven_v2_flash',
      'eleven_flash_v2',
      'eleven_turbo_v2_5',
      'eleven_multilingual_v2',
      'eleven_v2_5_flash',
      'eleven_flash_v2_5',
      'eleven_turbo_v2',
    ],
    verified_languages: [
      {
        language: 'en',
        model_id: 'eleven_v2_flash',
        accent: labels.accent ?? null,
        locale,
        preview_url: preview,
      },
      {
        language: 'en',
        model_id: 'eleven_turbo_v2_5',
        accent: labels.accent ?? null,
        locale,
        preview_url: preview,
      },
      {
        language: 'en',
        model_id: 'eleven_multilingual_v2',
        accent: labels.accent ?? null,
        locale,
        preview_url: preview,
      },
    ],
    fine_tuning: { is_allowed_to_fine_tune: true, state: {}, language: 'en' },
    samples: null,
    sharing: null,
    is_owner: false,
    is_legacy: false,
    is_mixed: false,
    created_at_unix: null,
  };
}

/** The id of the account's instant voice clone, which no built-in catalog lists. */
export const CLONED_VOICE_ID = 'bkryOwnrMrt4Cl0n3d01';
/** The id of the account's professional voice clone (French, verified in two languages). */
export const PROFESSIONAL_VOICE_ID = 'prfThe0Vc3Fr4nc41s02';
/** The id of the account's designed voice (no gender label). */
export const GENERATED_VOICE_ID = 'gnr8dR0b0tV01c3Dsgn3';

/** The fake account's voices, premade first (the order ElevenLabs lists them in). */
export const fakeVoiceLibrary: ElevenLabsVoiceJson[] = [
  premade(
    'EXAVITQu4vr4xnSDxMaL',
    'Sarah',
    {
      accent: 'american',
      descriptive: 'professional',
      age: 'young',
      gender: 'female',
      language: 'en',
      use_case: 'entertainment_tv',
    },
    'Young adult woman with a confident and warm, mature quality and a reassuring, professional tone.',
    'en-US',
  ),
  premade(
    'JBFqnCBsd6RMkjVDRZzb',
    'George',
    {
      accent: 'british',
      descriptive: 'mature',
      age: 'middle_aged',
      gender: 'male',
      language: 'en',
      use_case: 'narrative_story',
    },
    'Warm resonance that instantly captivates listeners.',
    'en-GB',
  ),
  premade(
    'IKne3meq5aSn9XLyUdCD',
    'Charlie',
    {
      accent: 'australian',
      descriptive: 'hyped',
      age: 'young',
      gender: 'male',
      language: 'en',
      use_case: 'conversational',
    },
    'A young Australian male with a confident and energetic voice.',
    'en-AU',
  ),
  {
    voice_id: CLONED_VOICE_ID,
    name: 'Marta (bakery owner)',
    category: 'cloned',
    labels: { accent: 'castilian', gender: 'female', language: 'es' },
    description: 'Instant clone of the owner, for the shop line.',
    preview_url: null,
    available_for_tiers: [],
    settings: { stability: 0.4, similarity_boost: 0.8, style: 0, use_speaker_boost: true, speed: 1 },
    high_quality_base_model_ids: ['eleven_multilingual_v2'],
    verified_languages: [],
    fine_tuning: { is_allowed_to_fine_tune: false, state: {}, language: 'es' },
    samples: [{ sample_id: 'smpl1', file_name: 'marta.wav', mime_type: 'audio/wav', size_bytes: 482_116 }],
    sharing: null,
    is_owner: true,
    is_legacy: false,
    is_mixed: false,
    created_at_unix: 1_760_000_000,
  },
  {
    voice_id: PROFESSIONAL_VOICE_ID,
    name: 'Théo',
    category: 'professional',
    labels: { accent: 'parisian', gender: 'male', language: 'fr', descriptive: 'calm' },
    description: '',
    preview_url:
      'https://storage.googleapis.com/eleven-public-prod/custom/voices/prfThe0Vc3Fr4nc41s02/preview.mp3',
    available_for_tiers: [],
    settings: null,
    high_quality_base_model_ids: ['eleven_multilingual_v2', 'eleven_v2_5_flash', 'eleven_turbo_v2_5'],
    verified_languages: [
      {
        language: 'fr',
        model_id: 'eleven_multilingual_v2',
        accent: 'parisian',
        locale: 'fr-FR',
        preview_url: null,
      },
      {
        language: 'en',
        model_id: 'eleven_multilingual_v2',
        accent: 'french',
        locale: null,
        preview_url: null,
      },
    ],
    fine_tuning: {
      is_allowed_to_fine_tune: true,
      state: { eleven_multilingual_v2: 'fine_tuned' },
      language: 'fr',
    },
    samples: null,
    sharing: null,
    is_owner: true,
    is_legacy: false,
    is_mixed: false,
    created_at_unix: 1_765_000_000,
  },
  {
    voice_id: GENERATED_VOICE_ID,
    name: 'Robot greeter',
    category: 'generated',
    labels: {},
    description: null,
    preview_url: null,
    available_for_tiers: [],
    settings: null,
    high_quality_base_model_ids: [],
    verified_languages: [],
    fine_tuning: { is_allowed_to_fine_tune: false, state: {}, language: null },
    samples: null,
    sharing: null,
    is_owner: true,
    is_legacy: false,
    is_mixed: false,
    created_at_unix: 1_766_000_000,
  },
];
