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
