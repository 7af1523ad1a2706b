import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  filterModels,
  filterVoices,
  languageMatches,
  type CatalogModel,
  type CatalogVoice,
} from './index.ts';

const voice = (id: string, over: Partial<CatalogVoice>): CatalogVoice => ({
  id,
  name: id,
  provider: 'p1',
  language: 'en-US',
  gender: 'female',
  ...over,
});

const voices: CatalogVoice[] = [
  voice('Rachel', {}),
  voice('George', { language: 'en-GB', gender: 'male', provider: 'p2' }),
  voice('Alloy', { language: 'en', languages: ['en', 'fr', 'de'], gender: 'neutral' }),
  voice('Camille', { language: 'fr-FR' }),
  voice('Ennio', { language: 'enq', gender: 'male' }),
];

const names = (vs: { name: string }[]) => vs.map((v) => v.name);

test('language is a case-insensitive prefix that stops at subtag boundaries', () => {
  assert.deepEqual(names(filterVoices(voices, { language: 'en' })), ['Rachel', 'George', 'Alloy']);
  assert.deepEqual(names(filterVoices(voices, { language: 'en-US' })), ['Rachel']);
  assert.deepEqual(names(filterVoices(voices, { language: 'EN-us' })), ['Rachel']);
  assert.deepEqual(names(filterVoices(voices, { language: 'en_GB' })), ['George']);
  assert.deepEqual(names(filterVoices(voices, { language: 'e' })), []);
  assert.ok(!languageMatches('en-US', 'en-u'));
});

test('language also matches the languages a voice can speak besides its own', () => {
  assert.deepEqual(names(filterVoices(voices, { language: 'fr' })), ['Alloy', 'Camille']);
  assert.deepEqual(names(filterVoices(voices, { language: 'fr-FR' })), ['Camille']);
  assert.deepEqual(names(filterVoices(voices, { language: 'de' })), ['Alloy']);
});

test('gender, provider and search filter; search is a case-insensitive name substring', () => {
  assert.deepEqual(names(filterVoices(voices, { gender: 'male' })), ['George', 'Ennio']);
  assert.deepEqual(names(filterVoices(voices, { gender: 'Neutral' })), ['Alloy']);
  assert.deepEqual(names(filterVoices(voices, { provider: 'p2' })), ['George']);
  assert.deepEqual(names(filterVoices(voices, { search: 'CHEL' })), ['Rachel']);
  assert.deepEqual(names(filterVoices(voices, { search: 'zzz' })), []);
});

test('filters combine, and empty or absent values do not filter', () => {
  assert.deepEqual(names(filterVoices(voices, { language: 'en', gender: 'female', provider: 'p1' })), [
    'Rachel',
  ]);
  assert.equal(filterVoices(voices, {}).length, voices.length);
  assert.equal(filterVoices(voices, { language: '', search: '  ', gender: '' }).length, voices.length);
});

const model = (name: string, over: Partial<CatalogModel>): CatalogModel => ({
  id: name,
  name,
  provider: 'p1',
  type: 'TTS',
  isActive: true,
  ...over,
});

const models: CatalogModel[] = [
  model('tts-en', { languages: ['en'] }),
  model('stt-multi', { type: 'STT', languages: ['en-US', 'es'] }),
  model('llm', { type: 'LLM', provider: 'p2' }),
  model('tts-fr', { languages: ['fr-CA'] }),
];

test('models filter by type, provider and language; unrestricted models pass any language', () => {
  assert.deepEqual(names(filterModels(models, { type: 'TTS' })), ['tts-en', 'tts-fr']);
  assert.deepEqual(names(filterModels(models, { provider: 'p2' })), ['llm']);
  assert.deepEqual(names(filterModels(models, { language: 'es' })), ['stt-multi', 'llm']);
  assert.deepEqual(names(filterModels(models, { language: 'fr' })), ['llm', 'tts-fr']);
  assert.deepEqual(names(filterModels(models, { language: 'en-US' })), ['stt-multi', 'llm']);
  assert.deepEqual(names(filterModels(models, { type: 'TTS', language: 'en' })), ['tts-en']);
  assert.equal(filterModels(models, {}).length, models.length);
});
