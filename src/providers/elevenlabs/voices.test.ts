import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ELEVENLABS_MULTILINGUAL_V2_LANGUAGES, ELEVENLABS_V2_5_LANGUAGES } from '../../catalog/languages.ts';
import { toCatalogVoice, toCatalogVoices, type ElevenLabsVoice } from './voices.ts';

const ALL_MODELS = ['eleven_flash_v2_5', 'eleven_turbo_v2_5', 'eleven_multilingual_v2'];
const RATES = [16000, 22050, 24000, 44100];

const sarah: ElevenLabsVoice = {
  voice_id: 'EXAVITQu4vr4xnSDxMaL',
  name: 'Sarah',
  category: 'premade',
  labels: { accent: 'american', descriptive: 'professional', age: 'young', gender: 'female', language: 'en' },
  description: 'Young adult woman with a confident and warm tone.',
  preview_url: 'https://storage.example/sarah.mp3',
  high_quality_base_model_ids: [
    'eleven_v2_flash',
    'eleven_turbo_v2_5',
    'eleven_multilingual_v2',
    'eleven_v2_5_flash',
  ],
  verified_languages: [{ language: 'en', model_id: 'eleven_v2_flash', accent: 'american', locale: 'en-US' }],
};

test('a premade voice: locale, gender, accent, preview, every catalog model (aliases resolved)', () => {
  assert.deepEqual(toCatalogVoice(sarah), {
    id: 'EXAVITQu4vr4xnSDxMaL',
    name: 'Sarah',
    provider: 'elevenlabs',
    language: 'en-US',
    languages: ELEVENLABS_V2_5_LANGUAGES,
    gender: 'female',
    accent: 'american',
    description: 'Young adult woman with a confident and warm tone.',
    previewUrl: 'https://storage.example/sarah.mp3',
    modelIds: ALL_MODELS,
    sampleRates: RATES,
  });
});

test('an instant clone: language from its labels with the region its accent implies, its one model', () => {
  const v = toCatalogVoice({
    voice_id: 'bkryOwnrMrt4Cl0n3d01',
    name: 'Marta (bakery owner)',
    category: 'cloned',
    labels: { accent: 'castilian', gender: 'female', language: 'es' },
    description: 'Instant clone of the owner.',
    preview_url: null,
    high_quality_base_model_ids: ['eleven_multilingual_v2'],
    verified_languages: [],
    fine_tuning: { language: 'es' },
  });
  assert.equal(v.language, 'es-ES');
  assert.equal(v.accent, 'castilian');
  assert.deepEqual(v.modelIds, ['eleven_multilingual_v2']);
  // It speaks what Multilingual v2 speaks, not the v2.5 extras.
  assert.deepEqual(v.languages, ELEVENLABS_MULTILINGUAL_V2_LANGUAGES);
  assert.ok(!v.languages!.includes('vi'));
  assert.equal('previewUrl' in v, false, 'a null preview is omitted, not guessed');
});

test('a professional clone: primary language from its first verified locale, verified languages included', () => {
  const v = toCatalogVoice({
    voice_id: 'prfThe0Vc3Fr4nc41s02',
    name: 'Théo',
    category: 'professional',
    labels: { accent: 'parisian', gender: 'male', language: 'fr', descriptive: 'calm' },
    description: '',
    preview_url: null,
    high_quality_base_model_ids: ['eleven_multilingual_v2', 'eleven_v2_5_flash', 'eleven_turbo_v2_5'],
    verified_languages: [
      {
        language: 'fr',
        model_id: 'eleven_multilingual_v2',
        accent: 'parisian',
        locale: 'fr-FR',
        preview_url: 'https://x/fr.mp3',
      },
      { language: 'en', model_id: 'eleven_multilingual_v2', accent: 'french', locale: null },
    ],
  });
  assert.equal(v.language, 'fr-FR');
  assert.equal(v.gender, 'male');
  assert.deepEqual(v.modelIds, ALL_MODELS);
  assert.ok(v.languages!.includes('fr') && v.languages!.includes('en'));
  assert.equal(v.description, 'calm', 'an empty description falls back to the descriptive label');
  assert.equal(v.previewUrl, 'https://x/fr.mp3', 'a verified language’s preview stands in for a missing one');
});

test('a voice without labels: English, neutral, every model, nothing invented', () => {
  const v = toCatalogVoice({ voice_id: 'gnr8dR0b0tV01c3Dsgn3', name: 'Robot greeter', labels: {} });
  assert.deepEqual(v, {
    id: 'gnr8dR0b0tV01c3Dsgn3',
    name: 'Robot greeter',
    provider: 'elevenlabs',
    language: 'en',
    languages: ELEVENLABS_V2_5_LANGUAGES,
    gender: 'neutral',
    modelIds: ALL_MODELS,
    sampleRates: RATES,
  });
});

test('labels are normalized: odd genders are neutral, tags become BCP-47, accents plain words', () => {
  const v = toCatalogVoice({
    voice_id: 'x1',
    name: 'X',
    labels: { gender: 'non-binary', language: 'pt_br', accent: 'us_southern' },
    high_quality_base_model_ids: ['eleven_monolingual_v1'],
  });
  assert.equal(v.gender, 'neutral');
  assert.equal(v.language, 'pt-BR');
  assert.equal(v.accent, 'us southern');
  assert.deepEqual(v.modelIds, ALL_MODELS, 'models outside the catalog do not narrow the list to nothing');
  const male = toCatalogVoice({ voice_id: 'x2', name: 'Y', labels: { gender: ' Male ', accent: 'British' } });
  assert.equal(male.gender, 'male');
  assert.equal(male.language, 'en-GB');
});

test('toCatalogVoices skips malformed entries and repeated ids, keeping ElevenLabs’ order', () => {
  const voices = toCatalogVoices([
    sarah,
    null,
    { name: 'no id' },
    { voice_id: '', name: 'empty id' },
    { voice_id: 'a', name: 'A' },
    { ...sarah, name: 'Sarah again' },
  ]);
  assert.deepEqual(
    voices.map((v) => [v.id, v.name]),
    [
      ['EXAVITQu4vr4xnSDxMaL', 'Sarah'],
      ['a', 'A'],
    ],
  );
});
