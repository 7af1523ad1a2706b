import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApi, type TestApi } from '../helpers/api.ts';
import { basicAgent, models, offlineVoiceAgent } from '../helpers/fixtures.ts';

describe('agents', () => {
  let api: TestApi;
  let key: string;
  before(async () => {
    api = await startTestApi();
    ({ key } = await api.newOrg());
  });
  after(() => api.close());

  test('create → get → patch → list → delete (happy path)', async () => {
    const created = await api.request('POST', '/v2/chat/agents', { key, body: offlineVoiceAgent() });
    assert.equal(created.status, 201, created.text);
    assert.match(created.body.id, /^[0-9a-f-]{36}$/);
    assert.equal(created.body.voicePipelineMode, 'pipeline');
    assert.equal(created.body.isActive, true);
    assert.equal(created.body.sttModelId, models.stt);

    const got = await api.request('GET', `/v2/chat/agents/${created.body.id}`, { key });
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, created.body);

    const patched = await api.request('PATCH', `/v2/chat/agents/${created.body.id}`, {
      key,
      body: { fullName: 'Bakery Bot', isActive: false },
    });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.fullName, 'Bakery Bot');
    assert.equal(patched.body.isActive, false);
    assert.equal(patched.body.description, created.body.description);
    assert.ok(patched.body.updatedAt >= created.body.updatedAt);

    const list = await api.request('GET', '/v1/chat/agents?search=bakery%20b', { key });
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.data.map((a: { id: string }) => a.id),
      [created.body.id],
    );
    assert.equal(list.body.pagination.total, 1);

    const inactive = await api.request('GET', '/v1/chat/agents?isActive=false', { key });
    assert.ok(inactive.body.data.every((a: { isActive: boolean }) => !a.isActive));

    const del = await api.request('DELETE', `/v2/chat/agents/${created.body.id}`, { key });
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
    const gone = await api.request('GET', `/v2/chat/agents/${created.body.id}`, { key });
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, 'NOT_FOUND');
  });

  test('required fields are reported per field', async () => {
    const res = await api.request('POST', '/v2/chat/agents', { key, body: { fullName: 'x' } });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'VALIDATION_ERROR');
    const fields = res.body.error.details.map((d: { field: string }) => d.field).sort();
    assert.deepEqual(fields, ['description', 'role']);
  });

  test('voiceEnabled requires a mode, and the mode requires its models', async () => {
    const noMode = await api.request('POST', '/v2/chat/agents', {
      key,
      body: basicAgent({ voiceEnabled: true }),
    });
    assert.equal(noMode.status, 400);
    assert.ok(noMode.body.error.details.some((d: { field: string }) => d.field === 'voicePipelineMode'));

    const sts = await api.request('POST', '/v2/chat/agents', {
      key,
      body: basicAgent({ voiceEnabled: true, voicePipelineMode: 'sts' }),
    });
    assert.equal(sts.status, 400);
    assert.deepEqual(
      sts.body.error.details.map((d: { field: string }) => d.field),
      ['stsModelId'],
    );

    const hybrid = await api.request('POST', '/v2/chat/agents', {
      key,
      body: basicAgent({ voiceEnabled: true, voicePipelineMode: 'hybrid', stsModelId: models.openaiSts }),
    });
    assert.equal(hybrid.status, 400);
    assert.deepEqual(hybrid.body.error.details.map((d: { field: string }) => d.field).sort(), [
      'modelId',
      'sttModelId',
      'ttsModelId',
    ]);
  });

  test('model ids must exist and have the right type', async () => {
    const wrongType = await api.request('POST', '/v2/chat/agents', {
      key,
      body: basicAgent({ ttsModelId: models.stt }),
    });
    assert.equal(wrongType.status, 400);
    assert.match(wrongType.body.error.details[0].message, /is STT, expected TTS/);

    const unknown = await api.request('POST', '/v2/chat/agents', {
      key,
      body: basicAgent({ modelId: '00000000-0000-4000-8000-000000000000' }),
    });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.details[0].message, /Unknown model id/);

    const notUuid = await api.request('POST', '/v2/chat/agents', {
      key,
      body: basicAgent({ modelId: 'gpt-4o' }),
    });
    assert.equal(notUuid.status, 400);
    assert.equal(notUuid.body.error.details[0].field, 'modelId');
  });

  test('PATCH validates the merged agent', async () => {
    const created = await api.request('POST', '/v2/chat/agents', { key, body: offlineVoiceAgent() });
    const res = await api.request('PATCH', `/v2/chat/agents/${created.body.id}`, {
      key,
      body: { sttModelId: null },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.details[0].field, 'sttModelId');
    const unchanged = await api.request('GET', `/v2/chat/agents/${created.body.id}`, { key });
    assert.equal(unchanged.body.sttModelId, models.stt);
  });

  test('unknown fields are rejected rather than silently dropped', async () => {
    const res = await api.request('POST', '/v2/chat/agents', { key, body: basicAgent({ colour: 'blue' }) });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'VALIDATION_ERROR');
  });

  test('pagination clamps out-of-range values', async () => {
    const { key: k } = await api.newOrg();
    for (let i = 0; i < 3; i++)
      await api.request('POST', '/v2/chat/agents', { key: k, body: basicAgent({ fullName: `A${i}` }) });
    const res = await api.request('GET', '/v1/chat/agents?page=0&limit=1000', { key: k });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.pagination, { page: 1, limit: 100, total: 3, totalPages: 1 });
    const page2 = await api.request('GET', '/v1/chat/agents?page=2&limit=2', { key: k });
    assert.equal(page2.body.data.length, 1);
    assert.equal(page2.body.data[0].fullName, 'A0');
    const junk = await api.request('GET', '/v1/chat/agents?page=abc&limit=-5', { key: k });
    assert.deepEqual(junk.body.pagination, { page: 1, limit: 1, total: 3, totalPages: 3 });
  });

  test('a deleted agent is detached from its phone numbers; its sessions remain', async () => {
    const { key: k } = await api.newOrg();
    const agent = await api.request('POST', '/v2/chat/agents', { key: k, body: offlineVoiceAgent() });
    const number = `+1555${String(Date.now()).slice(-7)}`;
    const pn = await api.request('POST', '/v1/chat/phone-numbers', {
      key: k,
      body: { provider: 'sip', number, agentId: agent.body.id },
    });
    assert.equal(pn.status, 201, pn.text);
    const session = await api.request('POST', '/v1/voice/sessions', {
      key: k,
      body: { agentId: agent.body.id },
    });
    assert.equal(session.status, 201, session.text);
    assert.equal((await api.request('DELETE', `/v2/chat/agents/${agent.body.id}`, { key: k })).status, 204);
    const after = await api.request('GET', `/v1/chat/phone-numbers`, { key: k });
    assert.equal(after.body.data[0].inBoundAgentId, null);
    assert.equal(after.body.data[0].agentId, null);
    const s = await api.request('GET', `/v1/voice/sessions/${session.body.id}`, { key: k });
    assert.equal(s.status, 200);
    assert.equal(s.body.agentId, agent.body.id);
  });
});
