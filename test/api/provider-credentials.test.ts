/**
 * `PUT /v1/voice/providers/{slug}` checks credentials with the provider before storing them, and
 * `GET /v1/voice/voices` merges the live voice libraries of the accounts an organization
 * configured. The providers are the local fakes of their real APIs; the accounts are the real ones
 * (src/providers/accounts.ts).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { accountOf } from '../../src/providers/accounts.ts';
import { startCartesiaFake, type FakeCartesia } from '../fakes/cartesia.ts';
import { CUSTOM_VOICE } from '../fakes/cartesia-voices.ts';
import { startDeepgramFake, type DeepgramFake } from '../fakes/deepgram.ts';
import { startElevenLabsFake, type ElevenLabsFake } from '../fakes/elevenlabs.ts';
import { CLONED_VOICE_ID } from '../fakes/elevenlabs-voices.ts';
import { startFakeOpenAIRest, type FakeOpenAIRest } from '../fakes/openai-rest.ts';
import { startTestApi, type TestApi } from '../helpers/api.ts';

/** A loopback port nothing listens on: connections are refused at once. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('provider credentials are checked with the provider', { timeout: 60_000 }, () => {
  let api: TestApi;
  let openai: FakeOpenAIRest;

  before(async () => {
    api = await startTestApi({ accounts: accountOf });
    openai = await startFakeOpenAIRest({ apiKey: 'sk-right' });
  });
  after(async () => {
    await api?.close();
    await openai?.close();
  });

  const providerState = async (key: string, slug: string) => {
    const res = await api.request('GET', '/v1/voice/providers', { key });
    return res.body.data.find((p: { slug: string }) => p.slug === slug) as {
      configured: boolean;
      isActive: boolean;
    };
  };

  test('accepted credentials are stored after one authenticated request', async () => {
    const { key } = await api.newOrg();
    openai.reset();
    const res = await api.request('PUT', '/v1/voice/providers/openai', {
      key,
      body: { apiKey: 'sk-right', baseUrl: openai.baseUrl },
    });
    assert.equal(res.status, 200, res.text);
    const checks = openai.requests.filter((r) => r.path === '/v1/models');
    assert.equal(checks.length, 1);
    assert.equal(checks[0]!.authorization, 'Bearer sk-right');
    assert.equal(checks[0]!.status, 200);
    const state = await providerState(key, 'openai');
    assert.equal(state.configured, true);
    assert.equal(state.isActive, true);
  });

  test('refused credentials are a 422 naming the provider, and nothing is stored', async () => {
    const { key } = await api.newOrg();
    const res = await api.request('PUT', '/v1/voice/providers/openai', {
      key,
      body: { apiKey: 'sk-wrong', baseUrl: openai.baseUrl },
    });
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.error.code, 'PROVIDER_NOT_CONFIGURED');
    assert.match(res.body.error.message, /OpenAI did not accept these credentials.*401/);
    assert.deepEqual(res.body.error.details, [{ field: 'apiKey', message: 'Rejected by OpenAI.' }]);
    assert.ok(!res.text.includes('sk-wrong'), 'the key is not echoed');
    assert.equal((await providerState(key, 'openai')).configured, false);
  });

  test('an unreachable provider is a 503 with the way out; verify: false stores unchecked', async () => {
    const { key } = await api.newOrg();
    const baseUrl = `http://127.0.0.1:${await deadPort()}/v1`;
    const res = await api.request('PUT', '/v1/voice/providers/openai', {
      key,
      body: { apiKey: 'sk-any', baseUrl },
    });
    assert.equal(res.status, 503, res.text);
    assert.equal(res.body.error.code, 'SERVICE_UNAVAILABLE');
    assert.match(res.body.error.message, /unreachable.*"verify": false/s);
    assert.equal((await providerState(key, 'openai')).configured, false);
    const unchecked = await api.request('PUT', '/v1/voice/providers/openai', {
      key,
      body: { apiKey: 'sk-any', baseUrl, verify: false },
    });
    assert.equal(unchecked.status, 200, unchecked.text);
    assert.equal((await providerState(key, 'openai')).configured, true);
  });

  test('openai-compatible servers are checked at their baseUrl', async () => {
    const { key } = await api.newOrg();
    openai.reset();
    const ok = await api.request('PUT', '/v1/voice/providers/openai-compatible', {
      key,
      body: { apiKey: 'sk-right', baseUrl: openai.baseUrl },
    });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(openai.requests.filter((r) => r.path === '/v1/models').length, 1);
  });
});

describe('live voice catalogs', { timeout: 90_000 }, () => {
  let api: TestApi;
  let elevenlabs: ElevenLabsFake;
  let cartesia: FakeCartesia;
  let deepgram: DeepgramFake;

  before(async () => {
    api = await startTestApi({ accounts: accountOf });
    elevenlabs = await startElevenLabsFake();
    cartesia = await startCartesiaFake();
    deepgram = await startDeepgramFake();
  });
  after(async () => {
    await api?.close();
    await elevenlabs?.close();
    await cartesia?.close();
    await deepgram?.close();
  });

  async function orgWithLiveCatalogs() {
    const { key } = await api.newOrg();
    for (const [slug, fake] of [
      ['elevenlabs', elevenlabs],
      ['cartesia', cartesia],
      ['deepgram', deepgram],
    ] as const) {
      const res = await api.request('PUT', `/v1/voice/providers/${slug}`, {
        key,
        body: { apiKey: fake.apiKey, baseUrl: fake.baseUrl },
      });
      assert.equal(res.status, 200, res.text);
    }
    return key;
  }
  const ids = (body: { data: { id: string }[] }) => body.data.map((v) => v.id);

  test("an account's own voices are listed with the built-in ones, and the filters apply to all", async () => {
    const key = await orgWithLiveCatalogs();
    const all = await api.request('GET', '/v1/voice/voices', { key });
    assert.equal(all.status, 200);
    const cloned = all.body.data.find((v: { id: string }) => v.id === CLONED_VOICE_ID);
    assert.ok(cloned, 'the ElevenLabs clone is listed');
    assert.equal(cloned.provider, 'elevenlabs');
    assert.ok(ids(all.body).includes(CUSTOM_VOICE.id), 'the Cartesia custom voice is listed');
    assert.ok(ids(all.body).includes('21m00Tcm4TlvDq8ikWAM'), 'built-in voices stay (Rachel)');
    assert.ok(ids(all.body).includes('aura-2-celeste-es'), 'a Deepgram voice from GET /v1/models');
    assert.ok(!ids(all.body).includes('aura-angus-en'), 'first-generation Aura voices are left out');
    assert.ok(
      all.body.data.some((v: { provider: string }) => v.provider === 'local'),
      'local voices stay',
    );
    // Filters work across built-in and live voices alike.
    const spanish = await api.request('GET', '/v1/voice/voices?language=es&provider=elevenlabs', { key });
    assert.ok(ids(spanish.body).includes(CLONED_VOICE_ID), JSON.stringify(ids(spanish.body)));
    assert.ok(spanish.body.data.every((v: { provider: string }) => v.provider === 'elevenlabs'));
    const search = await api.request('GET', '/v1/voice/voices?search=bakery%20owner', { key });
    // "Marta (bakery owner)" on ElevenLabs and "Bakery Owner" on Cartesia.
    assert.deepEqual(ids(search.body).sort(), [CLONED_VOICE_ID, CUSTOM_VOICE.id].sort());
    // Another organization sees only the built-in catalog.
    const { key: other } = await api.newOrg();
    const theirs = await api.request('GET', '/v1/voice/voices', { key: other });
    assert.ok(!ids(theirs.body).includes(CLONED_VOICE_ID));
    assert.ok(!ids(theirs.body).includes(CUSTOM_VOICE.id));
  });

  test('a cached catalog is served without calling the provider', async () => {
    const key = await orgWithLiveCatalogs();
    await api.request('GET', '/v1/voice/voices', { key });
    const before = {
      el: elevenlabs.voiceListRequests,
      ca: cartesia.voiceListRequests,
      dg: deepgram.voiceListRequests,
    };
    for (let i = 0; i < 5; i++) {
      const res = await api.request('GET', '/v1/voice/voices', { key });
      assert.ok(ids(res.body).includes(CLONED_VOICE_ID));
    }
    assert.equal(elevenlabs.voiceListRequests, before.el);
    assert.equal(cartesia.voiceListRequests, before.ca);
    assert.equal(deepgram.voiceListRequests, before.dg);
  });

  test('a provider that fails leaves the built-in catalog served, quickly', async () => {
    const key = await orgWithLiveCatalogs();
    elevenlabs.failNext(500, 1_000);
    cartesia.failNext(500, 1_000);
    try {
      const started = Date.now();
      const res = await api.request('GET', '/v1/voice/voices?provider=elevenlabs', { key });
      assert.equal(res.status, 200);
      assert.ok(Date.now() - started < 3_000, `answered in ${Date.now() - started} ms`);
      assert.ok(ids(res.body).includes('21m00Tcm4TlvDq8ikWAM'), 'the built-in ElevenLabs voices');
      assert.ok(!ids(res.body).includes(CLONED_VOICE_ID), 'no live voices while the provider fails');
    } finally {
      elevenlabs.reset();
      cartesia.reset();
    }
  });

  test('storing new credentials refreshes the catalog; removing them drops the live voices', async () => {
    const key = await orgWithLiveCatalogs();
    assert.ok(ids((await api.request('GET', '/v1/voice/voices', { key })).body).includes(CLONED_VOICE_ID));
    const removed = await api.request('DELETE', '/v1/voice/providers/elevenlabs', { key });
    assert.equal(removed.status, 204);
    const after = await api.request('GET', '/v1/voice/voices', { key });
    assert.ok(!ids(after.body).includes(CLONED_VOICE_ID));
    assert.ok(ids(after.body).includes('21m00Tcm4TlvDq8ikWAM'));
  });
});
