import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toCatalogVoice } from './voices.ts';

test('an Aura-2 model of GET /v1/models becomes a voice; other generations are left out', () => {
  const voice = toCatalogVoice({
    name: 'celeste',
    canonical_name: 'aura-2-celeste-es',
    architecture: 'aura-2',
    languages: ['es', 'es-CO'],
    metadata: {
      accent: 'Colombian',
      sample: 'https://static.deepgram.com/examples/Aura-2-celeste.wav',
      tags: ['feminine', 'clear'],
    },
  });
  assert.deepEqual(voice, {
    id: 'aura-2-celeste-es',
    name: 'Celeste',
    provider: 'deepgram',
    language: 'es-CO',
    languages: ['es', 'es-CO'],
    gender: 'female',
    accent: 'colombian',
    description: 'clear',
    previewUrl: 'https://static.deepgram.com/examples/Aura-2-celeste.wav',
    modelIds: ['aura-2'],
    sampleRates: [8000, 16000, 24000, 32000, 48000],
  });
  assert.equal(
    toCatalogVoice({ name: 'angus', canonical_name: 'aura-angus-en', architecture: 'aura' }),
    undefined,
  );
  assert.equal(toCatalogVoice({ architecture: 'aura-2' }), undefined, 'no canonical name');
  assert.equal(toCatalogVoice({ canonical_name: 'aura-2-x-en', architecture: 'aura-2' })!.gender, 'neutral');
});
