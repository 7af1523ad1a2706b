import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApi, type TestApi } from '../helpers/api.ts';

describe('voice catalog and providers', () => {
  let api: TestApi;
  let key: string;
  before(async () => {
    api = await startTestApi();
    ({ key } = await api.newOrg());
  });
  after(() => api.close());

  test('voices: every provider, filters by provider, language prefix, gender and search', async () => {
    const all = await api.request('GET', '/v1/voice/voices', { key });
    assert.equal(all.status, 200);
    assert.deepEqual(Object.keys(all.body), ['data']);
    const providers = new Set(all.body.data.map((v: { provider: string }) => v.provider));
    for (const p of ['local', 'openai', 'elevenlabs', 'deepgram', 'cartesia']) assert.ok(providers.has(p), p);
    const rachel = all.body.data.find((v: { id: string }) => v.id === '21m00Tcm4TlvDq8ikWAM');
    assert.equal(rachel.name, 'Rachel');
    assert.equal(rachel.provider, 'elevenlabs');

    const local = await api.request('GET', '/v1/voice/voices?provider=local', { key });
    assert.deepEqual(local.body.data.map((v: { id: string }) => v.id).sort(), ['awb', 'kal16', 'rms', 'slt']);
    const en = await api.request('GET', '/v1/voice/voices?language=en&provider=local', { key });
    assert.equal(en.body.data.length, 4);
    const gb = await api.request('GET', '/v1/voice/voices?language=en-GB&provider=local', { key });
    assert.deepEqual(
      gb.body.data.map((v: { id: string }) => v.id),
      ['awb'],
    );
    const female = await api.request('GET', '/v1/voice/voices?gender=female&provider=local', { key });
    assert.deepEqual(
      female.body.data.map((v: { id: string }) => v.id),
      ['slt'],
    );
    const search = await api.request('GET', '/v1/voice/voices?search=rach', { key });
    assert.ok(search.body.data.every((v: { name: string }) => /rach/i.test(v.name)));
    assert.ok(search.body.data.length >= 1);
    const none = await api.request('GET', '/v1/voice/voices?provider=nobody', { key });
    assert.deepEqual(none.body, { data: [] });
    const badGender = await api.request('GET', '/v1/voice/voices?gender=robot', { key });
    assert.equal(badGender.status, 400);
  });

  test('models: TTS/STT/STS by default, filter by type; LLMs under /v1/chat/models', async () => {
    const all = await api.request('GET', '/v1/voice/models', { key });
    const types = new Set(all.body.data.map((m: { type: string }) => m.type));
    assert.deepEqual([...types].sort(), ['STS', 'STT', 'TTS']);
    const tts = await api.request('GET', '/v1/voice/models?type=TTS', { key });
    assert.ok(tts.body.data.every((m: { type: string }) => m.type === 'TTS'));
    const flite = tts.body.data.find((m: { name: string }) => m.name === 'flite');
    assert.match(flite.id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const llm = await api.request('GET', '/v1/chat/models', { key });
    assert.ok(llm.body.data.length > 3);
    assert.ok(llm.body.data.every((m: { type: string }) => m.type === 'LLM'));
    assert.ok(
      llm.body.data.some(
        (m: { provider: string; name: string }) => m.provider === 'local' && m.name === 'rules',
      ),
    );
    const bad = await api.request('GET', '/v1/voice/models?type=LLM', { key });
    assert.equal(bad.status, 400);
  });

  test('providers: local ones are active; cloud ones once configured; credentials never returned', async () => {
    const { key: k } = await api.newOrg();
    const before = await api.request('GET', '/v1/voice/providers', { key: k });
    const bySlug = (body: { data: { slug: string }[] }, slug: string) =>
      body.data.find((p) => p.slug === slug) as any;
    assert.equal(bySlug(before.body, 'local').isActive, true);
    assert.equal(bySlug(before.body, 'openai').isActive, false);
    assert.equal(bySlug(before.body, 'openai').id, 'pvdr_openai');

    const put = await api.request('PUT', '/v1/voice/providers/elevenlabs', {
      key: k,
      body: { apiKey: 'xi-secret-value' },
    });
    assert.equal(put.status, 200);
    assert.ok(!put.text.includes('xi-secret-value'));
    const afterPut = await api.request('GET', '/v1/voice/providers', { key: k });
    assert.equal(bySlug(afterPut.body, 'elevenlabs').isActive, true);
    assert.equal(bySlug(afterPut.body, 'elevenlabs').configured, true);
    assert.ok(!afterPut.text.includes('xi-secret-value'));

    const compat = await api.request('PUT', '/v1/voice/providers/openai-compatible', {
      key: k,
      body: { apiKey: 'ollama' },
    });
    assert.equal(compat.status, 400);
    assert.equal(compat.body.error.details[0].field, 'baseUrl');
    const compatOk = await api.request('PUT', '/v1/voice/providers/openai-compatible', {
      key: k,
      body: { apiKey: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1' },
    });
    assert.equal(compatOk.status, 200, compatOk.text);
    const local = await api.request('PUT', '/v1/voice/providers/local', { key: k, body: { apiKey: 'x' } });
    assert.equal(local.status, 400);
    const unknown = await api.request('PUT', '/v1/voice/providers/nope', { key: k, body: { apiKey: 'x' } });
    assert.equal(unknown.status, 404);

    assert.equal((await api.request('DELETE', '/v1/voice/providers/elevenlabs', { key: k })).status, 204);
    assert.equal((await api.request('DELETE', '/v1/voice/providers/elevenlabs', { key: k })).status, 404);
    const afterDelete = await api.request('GET', '/v1/voice/providers', { key: k });
    assert.equal(bySlug(afterDelete.body, 'elevenlabs').isActive, false);
  });
});
