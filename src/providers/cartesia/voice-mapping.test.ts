import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  catalogGender,
  catalogLanguage,
  cartesiaVoiceSchema,
  modelsForLanguage,
  toCatalogVoice,
} from './voice-mapping.ts';

describe('Cartesia voice mapping', () => {
  it("maps Cartesia's gender presentation", () => {
    assert.equal(catalogGender('masculine'), 'male');
    assert.equal(catalogGender('feminine'), 'female');
    assert.equal(catalogGender('gender_neutral'), 'neutral');
    assert.equal(catalogGender('Feminine'), 'female');
    assert.equal(catalogGender(null), 'neutral');
    assert.equal(catalogGender(undefined), 'neutral');
    assert.equal(catalogGender('other'), 'neutral');
  });

  it('writes language codes as BCP-47', () => {
    assert.equal(catalogLanguage('en'), 'en');
    assert.equal(catalogLanguage('EN'), 'en');
    assert.equal(catalogLanguage('pt_br'), 'pt-BR');
    assert.equal(catalogLanguage('zh-hant-tw'), 'zh-Hant-TW');
    assert.equal(catalogLanguage(''), 'und');
    assert.equal(catalogLanguage(null), 'und');
  });

  it('lists the catalog models that speak the language', () => {
    assert.deepEqual(modelsForLanguage('en'), ['sonic-3', 'sonic-2', 'sonic-turbo']);
    assert.deepEqual(modelsForLanguage('hi'), ['sonic-3', 'sonic-turbo']);
    assert.deepEqual(modelsForLanguage('sv'), ['sonic-3']);
    assert.deepEqual(modelsForLanguage('und'), ['sonic-3', 'sonic-2', 'sonic-turbo']);
  });

  it('maps a voice object to a catalog voice', () => {
    const voice = cartesiaVoiceSchema.parse({
      id: 'v1',
      name: ' Bakery Owner ',
      description: '  Cloned.  ',
      language: 'de',
      gender: 'masculine',
      is_owner: true,
      is_public: false,
      created_at: '2026-01-01T00:00:00Z',
      embedding: [0.1],
    });
    assert.deepEqual(toCatalogVoice(voice), {
      id: 'v1',
      name: 'Bakery Owner',
      provider: 'cartesia',
      language: 'de',
      gender: 'male',
      description: 'Cloned.',
      modelIds: ['sonic-3', 'sonic-2', 'sonic-turbo'],
      sampleRates: [8000, 16000, 22050, 24000, 44100, 48000],
    });
  });

  it('leaves out an empty description and names an unnamed voice by its id', () => {
    const v = toCatalogVoice(
      cartesiaVoiceSchema.parse({ id: 'v2', name: '', description: '', gender: null }),
    );
    assert.equal(v.name, 'v2');
    assert.equal('description' in v, false);
    assert.equal(v.gender, 'neutral');
    assert.equal(v.language, 'und');
  });

  it('refuses voice objects without an id', () => {
    assert.equal(cartesiaVoiceSchema.safeParse({ name: 'x' }).success, false);
  });
});
