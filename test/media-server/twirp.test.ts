import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DisconnectReason, Room, RoomEvent, dispose } from '@livekit/rtc-node';
import {
  AccessToken,
  AgentDispatchClient,
  DataPacket_Kind,
  RoomServiceClient,
  TwirpError,
} from 'livekit-server-sdk';
import type { MediaServer } from '../../src/media-server/index.ts';
import { apiKey, apiSecret, joinToken, roomName, startTestServer } from './support/server.ts';
import { waitFor, withTimeout } from './support/wait.ts';

let server: MediaServer;
let http: string;
let rooms: RoomServiceClient;

before(async () => {
  server = await startTestServer();
  http = server.url.replace('ws://', 'http://');
  rooms = new RoomServiceClient(http, apiKey, apiSecret);
});

after(async () => {
  await server.close();
  await dispose();
});

async function expectTwirpError(promise: Promise<unknown>, code: string, status: number): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof TwirpError, `expected a TwirpError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.status, status);
    return true;
  });
}

describe('RoomService over Twirp (livekit-server-sdk)', () => {
  test('create, list, update metadata, delete', async () => {
    const name = roomName('crud');
    const created = await rooms.createRoom({ name, metadata: 'm1', emptyTimeout: 60 });
    assert.equal(created.name, name);
    assert.match(created.sid, /^RM_/);
    assert.equal(created.metadata, 'm1');
    assert.equal((await rooms.createRoom({ name })).sid, created.sid, 'CreateRoom is idempotent');
    const listed = await rooms.listRooms([name]);
    assert.deepEqual(
      listed.map((r) => r.name),
      [name],
    );
    const updated = await rooms.updateRoomMetadata(name, 'm2');
    assert.equal(updated.metadata, 'm2');
    await rooms.deleteRoom(name);
    assert.deepEqual(await rooms.listRooms([name]), []);
    await expectTwirpError(rooms.deleteRoom(name), 'not_found', 404);
    await expectTwirpError(rooms.listParticipants(name), 'not_found', 404);
  });

  test('participants: list, get, update, mute, send data, remove', async () => {
    const name = roomName('admin');
    const client = new Room();
    const received: { text: string; topic: string | undefined }[] = [];
    client.on(RoomEvent.DataReceived, (payload, _p, _k, topic) =>
      received.push({ text: new TextDecoder().decode(payload), topic }),
    );
    let disconnectReason: DisconnectReason | undefined;
    client.on(RoomEvent.Disconnected, (reason) => {
      disconnectReason = reason;
    });
    try {
      await withTimeout(
        client.connect(server.url, await joinToken(name, 'carol'), { autoSubscribe: true, dynacast: false }),
        15_000,
        'connect',
      );
      const participants = await rooms.listParticipants(name);
      assert.deepEqual(
        participants.map((p) => p.identity),
        ['carol'],
      );
      const carol = await rooms.getParticipant(name, 'carol');
      assert.equal(carol.sid, client.localParticipant?.sid);
      await expectTwirpError(rooms.getParticipant(name, 'nobody'), 'not_found', 404);

      const updated = await rooms.updateParticipant(name, 'carol', {
        metadata: 'vip',
        attributes: { role: 'caller' },
      });
      assert.equal(updated.metadata, 'vip');
      assert.equal(updated.attributes.role, 'caller');
      await waitFor(() => client.localParticipant?.metadata === 'vip', 5000, 'metadata pushed to the client');

      await rooms.sendData(name, new TextEncoder().encode('from-server'), DataPacket_Kind.RELIABLE, {
        topic: 'ops',
      });
      await rooms.sendData(name, new TextEncoder().encode('not-for-carol'), DataPacket_Kind.RELIABLE, {
        destinationIdentities: ['someone-else'],
      });
      await rooms.sendData(name, new TextEncoder().encode('to-carol'), DataPacket_Kind.RELIABLE, {
        destinationIdentities: ['carol'],
      });
      await waitFor(() => received.some((r) => r.text === 'to-carol'), 5000, 'SendData at the client');
      assert.deepEqual(
        received.find((r) => r.text === 'from-server'),
        { text: 'from-server', topic: 'ops' },
      );
      assert.ok(!received.some((r) => r.text === 'not-for-carol'));

      await expectTwirpError(rooms.mutePublishedTrack(name, 'carol', 'TR_missing', true), 'not_found', 404);

      await rooms.removeParticipant(name, 'carol');
      await waitFor(() => disconnectReason !== undefined, 5000, 'client disconnected by RemoveParticipant');
      assert.equal(disconnectReason, DisconnectReason.PARTICIPANT_REMOVED);
    } finally {
      await client.disconnect().catch(() => undefined);
    }
  });

  test('grants are enforced', async () => {
    const name = roomName('grants');
    await rooms.createRoom({ name });
    // The SDK always mints the grant it needs, so calls with weaker tokens are made by hand.
    const at = new AccessToken(apiKey, apiSecret, { identity: 'nobody' });
    at.addGrant({ roomJoin: true, room: name });
    const weak = await at.toJwt();
    const call = (method: string, body: object, token?: string) =>
      fetch(`${http}/twirp/livekit.RoomService/${method}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    for (const [method, body] of [
      ['CreateRoom', { name: 'x' }],
      ['ListRooms', {}],
      ['DeleteRoom', { room: name }],
      ['ListParticipants', { room: name }],
      ['SendData', { room: name, data: '' }],
    ] as const) {
      const res = await call(method, body, weak);
      assert.equal(res.status, 403, `${method} without its grant`);
      assert.equal(res.headers.get('content-type'), 'application/json');
      assert.equal(((await res.json()) as { code: string }).code, 'permission_denied');
    }
    const anonymous = await call('ListRooms', {});
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { code: string }).code, 'unauthenticated');

    // roomAdmin for another room does not count.
    const adminElsewhere = new AccessToken(apiKey, apiSecret);
    adminElsewhere.addGrant({ roomAdmin: true, room: 'elsewhere' });
    const res = await call('ListParticipants', { room: name }, await adminElsewhere.toJwt());
    assert.equal(res.status, 403);

    const sip = await call('ListSIPInboundTrunk', {}, weak);
    assert.equal(sip.status, 404, 'unknown RoomService method is a bad route');
    const sipService = await fetch(`${http}/twirp/livekit.SIP/ListSIPInboundTrunk`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${weak}` },
      body: '{}',
    });
    assert.equal(sipService.status, 501);
    assert.equal(((await sipService.json()) as { code: string }).code, 'unimplemented');
    await rooms.deleteRoom(name);
  });

  test('AgentDispatchService: create, list, delete', async () => {
    const name = roomName('dispatch');
    const dispatches = new AgentDispatchClient(http, apiKey, apiSecret);
    const created = await dispatches.createDispatch(name, 'helper', { metadata: '{"lang":"en"}' });
    assert.match(created.id, /^AD_/);
    assert.equal(created.agentName, 'helper');
    assert.equal(created.room, name);
    const listed = await dispatches.listDispatch(name);
    assert.deepEqual(
      listed.map((d) => d.id),
      [created.id],
    );
    assert.equal((await dispatches.getDispatch(created.id, name))?.metadata, '{"lang":"en"}');
    await dispatches.deleteDispatch(created.id, name);
    assert.deepEqual(await dispatches.listDispatch(name), []);
    await rooms.deleteRoom(name);
  });
});

describe('HTTP endpoints', () => {
  test('health, validate with CORS, v1 404 when disabled', async () => {
    const health = await fetch(`${http}/`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), 'OK');
    const token = await joinToken('validate-room', 'dave');
    const ok = await fetch(`${http}/rtc/v1/validate?access_token=${token}`);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('access-control-allow-origin'), '*');
    const bad = await fetch(`${http}/rtc/validate?access_token=garbage`);
    assert.equal(bad.status, 401);
    assert.equal(bad.headers.get('access-control-allow-origin'), '*');

    const v0only = await startTestServer({ disableV1: true });
    try {
      const res = await fetch(
        `${v0only.url.replace('ws://', 'http://')}/rtc/v1/validate?access_token=${token}`,
      );
      assert.equal(res.status, 404);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.ok(!(await res.text()).includes('requested room does not exist'));
    } finally {
      await v0only.close();
    }
  });
});
