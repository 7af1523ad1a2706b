import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  builtinModels,
  builtinVoices,
  filterModels,
  filterVoices,
  findModel,
  getModel,
  getProvider,
  modelId,
  providers,
  type ModelType,
} from './index.ts';

const BCP47 = /^[a-z]{2,3}(-[A-Z]{2}|-[a-zA-Z0-9]{4,8})*$/;

function duplicates(values: string[]): string[] {
  return values.filter((v, i) => values.indexOf(v) !== i);
}

test('providers have unique slugs and ids of the form pvdr_<slug>', () => {
  assert.deepEqual(duplicates(providers.map((p) => p.slug)), []);
  for (const p of providers) {
    assert.equal(p.id, `pvdr_${p.slug}`);
    assert.equal(getProvider(p.slug), p);
    assert.ok(p.capabilities.length > 0, p.slug);
  }
  assert.equal(getProvider('nope'), undefined);
});

test('only the local provider runs without a network, and it needs no key', () => {
  const local = providers.filter((p) => p.local).map((p) => p.slug);
  assert.deepEqual(local, ['local']);
  assert.equal(getProvider('local')!.requiresApiKey, false);
});

test('model ids are unique and resolve with getModel and findModel', () => {
  assert.deepEqual(duplicates(builtinModels.map((m) => m.id)), []);
  for (const m of builtinModels) {
    assert.equal(getModel(m.id), m);
    assert.equal(getModel(m.id.toUpperCase()), m);
    assert.equal(findModel(m.provider, m.type, m.name), m);
  }
  assert.equal(getModel(modelId('openai', 'TTS', 'no-such-model')), undefined);
});

test('every model belongs to a provider with that capability', () => {
  for (const m of builtinModels) {
    const p = getProvider(m.provider);
    assert.ok(p, `${m.name}: unknown provider ${m.provider}`);
    assert.ok(p.capabilities.includes(m.type), `${m.provider} lacks ${m.type} for ${m.name}`);
  }
});

test('every capability has an active built-in model', () => {
  for (const p of providers) {
    for (const type of p.capabilities) {
      const active = builtinModels.filter((m) => m.provider === p.slug && m.type === type && m.isActive);
      assert.ok(active.length > 0, `${p.slug} has no active ${type} model`);
    }
  }
});

test('speech models list their languages as BCP-47 tags', () => {
  for (const m of builtinModels.filter((x) => x.type !== 'LLM')) {
    assert.ok(m.languages && m.languages.length > 0, `${m.provider}/${m.name} has no languages`);
    for (const l of m.languages) assert.match(l, BCP47, `${m.provider}/${m.name}: ${l}`);
  }
});

test('inactive models say why in their description', () => {
  for (const m of builtinModels.filter((x) => !x.isActive)) {
    assert.match(m.description ?? '', /shut|retire/i, `${m.provider}/${m.name}`);
  }
});

test('the local LLM says it is not a generative model', () => {
  const rules = findModel('local', 'LLM', 'rules');
  assert.ok(rules);
  assert.match(rules.description ?? '', /NOT a generative model/);
});

test('voice ids are unique per provider and voices are well-formed', () => {
  assert.deepEqual(duplicates(builtinVoices.map((v) => `${v.provider}/${v.id}`)), []);
  for (const v of builtinVoices) {
    const where = `${v.provider}/${v.id}`;
    assert.ok(v.id && v.name, where);
    assert.match(v.language, BCP47, where);
    for (const l of v.languages ?? []) assert.match(l, BCP47, where);
    assert.ok(['male', 'female', 'neutral'].includes(v.gender), where);
    for (const r of v.sampleRates ?? []) assert.ok(Number.isInteger(r) && r >= 8000 && r <= 48000, where);
    if (v.previewUrl) assert.match(v.previewUrl, /^https:\/\//, where);
  }
});

test("every voice's provider exists and can speak (TTS, or STS for realtime-only providers)", () => {
  for (const v of builtinVoices) {
    const p = getProvider(v.provider);
    assert.ok(p, `${v.id}: unknown provider ${v.provider}`);
    assert.ok(p.capabilities.includes('TTS') || p.capabilities.includes('STS'), `${v.provider} cannot speak`);
  }
});

test('every voice names models of its own provider that can speak', () => {
  const speaking: ModelType[] = ['TTS', 'STS'];
  for (const v of builtinVoices) {
    assert.ok(v.modelIds && v.modelIds.length > 0, `${v.provider}/${v.id} names no models`);
    for (const name of v.modelIds) {
      const models = builtinModels.filter((m) => m.provider === v.provider && m.name === name);
      assert.ok(models.length > 0, `${v.provider}/${v.id}: unknown model ${name}`);
      assert.ok(
        models.some((m) => speaking.includes(m.type)),
        `${v.provider}/${v.id}: ${name} is not a TTS or STS model`,
      );
    }
  }
});

test('every active TTS model has at least one voice', () => {
  for (const m of builtinModels.filter((x) => x.type === 'TTS' && x.isActive)) {
    const voices = builtinVoices.filter((v) => v.provider === m.provider && v.modelIds?.includes(m.name));
    assert.ok(voices.length > 0, `${m.provider}/${m.name} has no voices`);
  }
});

test('the catalog is frozen, so one caller cannot change it for another', () => {
  assert.ok(Object.isFrozen(providers) && Object.isFrozen(providers[0]));
  assert.ok(Object.isFrozen(builtinModels) && Object.isFrozen(builtinModels[0]));
  const voice = builtinVoices[0]!;
  assert.ok(Object.isFrozen(voice) && Object.isFrozen(voice.modelIds));
  assert.throws(() => {
    (voice as { name: string }).name = 'changed';
  }, TypeError);
});

test('the contract example voice is present: ElevenLabs Rachel', () => {
  const rachel = builtinVoices.find((v) => v.provider === 'elevenlabs' && v.id === '21m00Tcm4TlvDq8ikWAM');
  assert.equal(rachel?.name, 'Rachel');
  assert.equal(rachel?.gender, 'female');
});

test('the built-in catalog answers the Voice API filters', () => {
  const gb = filterVoices(builtinVoices, { language: 'en-GB' });
  assert.ok(gb.some((v) => v.provider === 'local' && v.id === 'awb' && v.accent === 'scottish'));
  assert.ok(gb.every((v) => v.language === 'en-GB'));
  const fr = filterVoices(builtinVoices, { language: 'fr' });
  assert.ok(fr.some((v) => v.provider === 'openai'));
  assert.ok(!fr.some((v) => v.provider === 'deepgram'));
  const sts = filterModels(builtinModels, { type: 'STS', provider: 'google' });
  assert.ok(sts.length > 0 && sts.every((m) => m.type === 'STS' && m.provider === 'google'));
});
