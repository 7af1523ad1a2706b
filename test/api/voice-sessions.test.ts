import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jwtVerify } from 'jose';
import { startTestApi, type TestApi } from '../helpers/api.ts';
import { basicAgent, models, offlineVoiceAgent } from '../helpers/fixtures.ts';

describe('voice sessions', () => {
  let api: TestApi;
  let key: string;
  let agentId: string;
  before(async () => {
    api = await startTestApi();
    ({ key } = await api.newOrg());
    agentId = (await api.request('POST', '/v2/chat/agents', { key, body: offlineVoiceAgent() })).body.id;
  });
  after(() => api.close());

  test('create returns a LiveKit token limited to the room, with the agent dispatch', async () => {
    const res = await api.request('POST', '/v1/voice/sessions', {
      key,
      body: { agentId, metadata: { crm: 42 } },
    });
    assert.equal(res.status, 201, res.text);
    const s = res.body;
    assert.match(s.id, /^vs_[0-9a-z]{26}$/);
    assert.equal(s.agentId, agentId);
    assert.equal(s.serverUrl, api.livekit.url);
    assert.equal(s.status, 'created');
    const { payload } = await jwtVerify(s.token, new TextEncoder().encode(api.livekit.apiSecret), {
      algorithms: ['HS256'],
    });
    assert.equal(payload.iss, api.livekit.apiKey);
    assert.equal(payload.sub, s.participantIdentity);
    assert.ok(s.participantIdentity.includes(s.id), 'identity is unique per session');
    const ttl = (payload.exp as number) - (payload.nbf as number);
    assert.ok(ttl >= 590 && ttl <= 610, `ttl ${ttl}`);
    assert.ok(
      Math.abs(new Date(s.expiresAt).getTime() / 1000 - (payload.exp as number)) <= 1,
      'expiresAt is the token expiry',
    );
    const video = payload.video as Record<string, unknown>;
    assert.deepEqual(
      {
        room: video.room,
        roomJoin: video.roomJoin,
        canPublish: video.canPublish,
        canSubscribe: video.canSubscribe,
        canPublishData: video.canPublishData,
      },
      { room: s.roomName, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true },
    );
    assert.ok(!video.roomAdmin && !video.roomCreate && !video.roomList, 'no admin grants');
    const roomConfig = payload.roomConfig as { agents: { agentName: string; metadata: string }[] };
    assert.equal(roomConfig.agents.length, 1);
    assert.equal(roomConfig.agents[0]!.agentName, 'parley-agent');
    assert.deepEqual(JSON.parse(roomConfig.agents[0]!.metadata), { sessionId: s.id });

    const got = await api.request('GET', `/v1/voice/sessions/${s.id}`, { key });
    assert.equal(got.status, 200);
    assert.equal(got.body.status, 'created');
    assert.equal(got.body.platform, 'WEB');
    assert.deepEqual(got.body.metadata, { crm: 42 });
    assert.deepEqual(got.body.transcript, []);
    assert.deepEqual(got.body.metrics.turns, []);
    assert.equal(got.body.token, undefined, 'the token is shown only at creation');
  });

  test('list filters and paginates; end closes the room once', async () => {
    const { key: k } = await api.newOrg();
    const a = (await api.request('POST', '/v2/chat/agents', { key: k, body: offlineVoiceAgent() })).body.id;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await api.request('POST', '/v1/voice/sessions', { key: k, body: { agentId: a } })).body.id);
    const list = await api.request('GET', `/v1/voice/sessions?agentId=${a}&status=created&limit=2`, {
      key: k,
    });
    assert.equal(list.status, 200);
    assert.equal(list.body.pagination.total, 3);
    assert.deepEqual(
      list.body.data.map((x: { id: string }) => x.id),
      [ids[2], ids[1]],
    );
    const ended = await api.request('POST', `/v1/voice/sessions/${ids[0]}/end`, { key: k });
    assert.equal(ended.status, 200);
    assert.equal(ended.body.status, 'ended');
    assert.equal(ended.body.endReason, 'api');
    assert.ok(api.deletedRooms.includes(ids[0]!));
    const again = await api.request('POST', `/v1/voice/sessions/${ids[0]}/end`, { key: k });
    assert.equal(again.status, 200);
    assert.equal(api.deletedRooms.filter((r) => r === ids[0]).length, 1);
    const endedList = await api.request('GET', '/v1/voice/sessions?status=ended', { key: k });
    assert.deepEqual(
      endedList.body.data.map((x: { id: string }) => x.id),
      [ids[0]],
    );
    const phone = await api.request('GET', '/v1/voice/sessions?platform=PHONE', { key: k });
    assert.equal(phone.body.pagination.total, 0);
    const bad = await api.request('GET', '/v1/voice/sessions?status=sleeping', { key: k });
    assert.equal(bad.status, 400);
  });

  test('422 when the agent is not voice-enabled, inactive, or needs an unconfigured provider', async () => {
    const plain = (await api.request('POST', '/v2/chat/agents', { key, body: basicAgent() })).body.id;
    const r1 = await api.request('POST', '/v1/voice/sessions', { key, body: { agentId: plain } });
    assert.equal(r1.status, 422);
    assert.equal(r1.body.error.code, 'AGENT_NOT_VOICE_ENABLED');

    const inactive = (
      await api.request('POST', '/v2/chat/agents', { key, body: offlineVoiceAgent({ isActive: false }) })
    ).body.id;
    const r2 = await api.request('POST', '/v1/voice/sessions', { key, body: { agentId: inactive } });
    assert.equal(r2.status, 422);
    assert.match(r2.body.error.message, /not active/);

    const cloud = (
      await api.request('POST', '/v2/chat/agents', {
        key,
        body: offlineVoiceAgent({ ttsModelId: models.openaiTts, ttsModelParams: { voice: 'alloy' } }),
      })
    ).body.id;
    // Another organization's credentials count for nothing here.
    const other = await api.newOrg();
    const otherPut = await api.request('PUT', '/v1/voice/providers/openai', {
      key: other.key,
      body: { apiKey: 'sk-other-org' },
    });
    assert.equal(otherPut.status, 200, otherPut.text);
    const r3 = await api.request('POST', '/v1/voice/sessions', { key, body: { agentId: cloud } });
    assert.equal(r3.status, 422);
    assert.equal(r3.body.error.code, 'PROVIDER_NOT_CONFIGURED');
    assert.match(r3.body.error.message, /openai/);

    const put = await api.request('PUT', '/v1/voice/providers/openai', {
      key,
      body: { apiKey: 'sk-test-123' },
    });
    assert.equal(put.status, 200, put.text);
    const r4 = await api.request('POST', '/v1/voice/sessions', { key, body: { agentId: cloud } });
    assert.equal(r4.status, 201, r4.text);

    const disabled = await api.request('PUT', '/v1/voice/providers/openai', {
      key,
      body: { apiKey: 'sk-test-123', isActive: false },
    });
    assert.equal(disabled.body.isActive, false);
    const r5 = await api.request('POST', '/v1/voice/sessions', { key, body: { agentId: cloud } });
    assert.equal(r5.status, 422);
    assert.match(r5.body.error.message, /disabled/);
  });

  test('a missing local runtime is a clear 422', async () => {
    const noSphinx = await startTestApi({
      runtime: { pocketsphinxMissing: 'libpocketsphinx3 is not installed' },
    });
    try {
      const { key: k } = await noSphinx.newOrg();
      const a = (await noSphinx.request('POST', '/v2/chat/agents', { key: k, body: offlineVoiceAgent() }))
        .body.id;
      const res = await noSphinx.request('POST', '/v1/voice/sessions', { key: k, body: { agentId: a } });
      assert.equal(res.status, 422);
      assert.equal(res.body.error.code, 'PROVIDER_NOT_CONFIGURED');
      assert.match(res.body.error.message, /pocketsphinx.*libpocketsphinx3/);
      const models = await noSphinx.request('GET', '/v1/voice/models?provider=local&type=STT', { key: k });
      assert.equal(models.body.data[0].name, 'pocketsphinx');
      assert.equal(models.body.data[0].isActive, false, 'the catalog marks it unusable');
    } finally {
      await noSphinx.close();
    }
  });

  test('bad input: unknown agent, malformed id, oversized metadata', async () => {
    const r1 = await api.request('POST', '/v1/voice/sessions', {
      key,
      body: { agentId: '6f1d3c1e-0000-4000-8000-000000000000' },
    });
    assert.equal(r1.status, 404);
    const r2 = await api.request('POST', '/v1/voice/sessions', { key, body: { agentId: 'nope' } });
    assert.equal(r2.status, 400);
    assert.equal(r2.body.error.details[0].field, 'agentId');
    const r3 = await api.request('POST', '/v1/voice/sessions', {
      key,
      body: { agentId, metadata: { blob: 'x'.repeat(5000) } },
    });
    assert.equal(r3.status, 400);
    assert.equal(r3.body.error.details[0].field, 'metadata');
    const r4 = await api.request('GET', '/v1/voice/sessions/vs_doesnotexist', { key });
    assert.equal(r4.status, 404);
  });
});
