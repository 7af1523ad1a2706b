import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DisconnectReason as ProtoDisconnectReason,
  LeaveRequest,
  LeaveRequest_Action,
  ParticipantInfo_State,
  RequestResponse_Reason,
  SignalRequest,
  SignalResponse,
  UpdateParticipantMetadata,
} from '@livekit/protocol';
import type { ParticipantInfo } from '@livekit/protocol';
import { Room, RoomEvent, dispose } from '@livekit/rtc-node';
import type { RemoteTrackPublication } from '@livekit/rtc-node';
import { RoomServiceClient } from 'livekit-server-sdk';
import { WebSocket } from 'ws';
import type { MediaServer } from '../../src/media-server/index.ts';
import { AudioCollector, TonePublisher, stopAllTones } from './support/rtc-node.ts';
import { apiKey, apiSecret, joinToken, roomName, startTestServer } from './support/server.ts';
import { sleep, waitFor, withTimeout } from './support/wait.ts';

let server: MediaServer;
let rooms: RoomServiceClient;

before(async () => {
  server = await startTestServer({ emptyTimeoutSeconds: 1 });
  rooms = new RoomServiceClient(server.url.replace('ws://', 'http://'), apiKey, apiSecret);
});

after(async () => {
  stopAllTones();
  await server.close();
  await dispose();
});

/** A raw v0 signalling client speaking protobuf directly. */
class SignalClient {
  readonly messages: SignalResponse[] = [];
  closed = false;
  private readonly ws: WebSocket;

  constructor(token: string, extra = '') {
    this.ws = new WebSocket(`${server.url}/rtc?access_token=${token}&protocol=16&client_protocol=2${extra}`);
    this.ws.on('message', (data: Buffer) => this.messages.push(SignalResponse.fromBinary(data)));
    this.ws.on('close', () => {
      this.closed = true;
    });
    this.ws.on('error', () => undefined);
  }

  send(message: SignalRequest['message']): void {
    this.ws.send(new SignalRequest({ message }).toBinary());
  }

  /** Participant infos about `identity` received in `update` messages, in order. */
  updatesAbout(identity: string): ParticipantInfo[] {
    return this.messages.flatMap((m) =>
      m.message.case === 'update' ? m.message.value.participants.filter((p) => p.identity === identity) : [],
    );
  }

  close(): void {
    this.ws.close();
  }
}

describe('rooms and participants', () => {
  test('join, versioned updates, metadata with request_response, leave, empty timeout', async () => {
    const name = roomName('state');
    const a = new SignalClient(await joinToken(name, 'a', { grant: { canUpdateOwnMetadata: false } }));
    await waitFor(() => a.messages.length > 0, 5000, 'join for a');
    const join = a.messages[0]?.message;
    assert.equal(join?.case, 'join');
    if (join?.case !== 'join') return;
    assert.equal(join.value.room?.name, name);
    assert.equal(join.value.participant?.identity, 'a');
    assert.equal(join.value.participant?.clientProtocol, 2);
    assert.ok(join.value.serverInfo?.version, 'server version is set');

    const b = new SignalClient(await joinToken(name, 'b', { grant: { canUpdateOwnMetadata: true } }));
    await waitFor(() => a.updatesAbout('b').length > 0, 5000, 'a sees b');
    // b's own join travels on another socket: it may arrive after a's update about b.
    await waitFor(() => b.messages.length > 0, 5000, 'join for b');
    const bJoin = b.messages[0]?.message;
    assert.equal(bJoin?.case, 'join');
    if (bJoin?.case === 'join')
      assert.deepEqual(
        bJoin.value.otherParticipants.map((p) => p.identity),
        ['a'],
      );

    b.send({
      case: 'updateMetadata',
      value: new UpdateParticipantMetadata({
        name: 'Bee',
        metadata: 'meta',
        attributes: { mood: 'ok' },
        requestId: 42,
      }),
    });
    await waitFor(
      () => b.messages.some((m) => m.message.case === 'requestResponse'),
      5000,
      'request_response',
    );
    const response = b.messages.find((m) => m.message.case === 'requestResponse')?.message;
    assert.ok(response?.case === 'requestResponse', 'request_response received');
    assert.equal(response.value.requestId, 42);
    assert.equal(response.value.reason, RequestResponse_Reason.OK);
    await waitFor(() => a.updatesAbout('b').some((p) => p.name === 'Bee'), 5000, 'a sees the new name');
    await waitFor(() => b.updatesAbout('b').some((p) => p.name === 'Bee'), 5000, 'b gets its own update');
    const updated = a.updatesAbout('b').find((p) => p.name === 'Bee');
    assert.equal(updated?.metadata, 'meta');
    assert.equal(updated?.attributes.mood, 'ok');
    const versions = a.updatesAbout('b').map((p) => p.version);
    assert.deepEqual(
      versions,
      [...versions].sort((x, y) => x - y),
      'versions increase',
    );
    assert.equal(new Set(versions).size, versions.length, 'versions are unique');

    // Without canUpdateOwnMetadata the request is refused.
    a.send({
      case: 'updateMetadata',
      value: new UpdateParticipantMetadata({ metadata: 'nope', requestId: 7 }),
    });
    await waitFor(() => a.messages.some((m) => m.message.case === 'requestResponse'), 5000, 'refusal');
    const refusal = a.messages.find((m) => m.message.case === 'requestResponse')?.message;
    assert.ok(
      refusal?.case === 'requestResponse' && refusal.value.reason === RequestResponse_Reason.NOT_ALLOWED,
      `refused: ${JSON.stringify(refusal?.value)}`,
    );

    b.send({ case: 'leave', value: new LeaveRequest({ reason: ProtoDisconnectReason.CLIENT_INITIATED }) });
    await waitFor(
      () => a.updatesAbout('b').some((p) => p.state === ParticipantInfo_State.DISCONNECTED),
      5000,
      'b disconnected',
    );
    await waitFor(() => b.closed, 5000, 'b socket closed');
    const last = a.updatesAbout('b').at(-1);
    assert.ok(last && Math.max(...versions) < last.version, 'DISCONNECTED update has the newest version');

    // The socket dropping removes the participant; the empty room closes after its timeout (1 s).
    assert.equal((await rooms.listParticipants(name)).length, 1);
    a.close();
    await waitFor(() => a.closed, 5000, 'a closed');
    await sleep(300);
    assert.deepEqual(
      (await rooms.listRooms([name])).map((r) => r.name),
      [name],
      'room survives briefly',
    );
    await sleep(1500);
    assert.deepEqual(await rooms.listRooms([name]), [], 'empty room closed after emptyTimeout');
  });

  test('a created room nobody joins closes after its empty timeout', async () => {
    const name = roomName('unused');
    await rooms.createRoom({ name, emptyTimeout: 1 });
    assert.equal((await rooms.listRooms([name])).length, 1);
    await sleep(1600);
    assert.equal((await rooms.listRooms([name])).length, 0);
  });

  test('resume is refused with leave{RECONNECT}; duplicate identity replaces the old session', async () => {
    const name = roomName('dupe');
    const resumer = new SignalClient(await joinToken(name, 'r'), '&reconnect=1&sid=PA_old');
    await waitFor(() => resumer.messages.length > 0, 5000, 'answer to resume');
    const leave = resumer.messages[0]?.message;
    assert.ok(leave?.case === 'leave' && leave.value.action === LeaveRequest_Action.RECONNECT);

    const first = new SignalClient(await joinToken(name, 'same'));
    await waitFor(() => first.messages.length > 0, 5000, 'first join');
    const second = new SignalClient(await joinToken(name, 'same'));
    await waitFor(() => first.closed, 5000, 'first session closed');
    const kicked = first.messages.find((m) => m.message.case === 'leave')?.message;
    assert.ok(kicked?.case === 'leave' && kicked.value.reason === ProtoDisconnectReason.DUPLICATE_IDENTITY);
    assert.equal(second.messages[0]?.message.case, 'join');
    assert.equal((await rooms.listParticipants(name)).length, 1);
    second.close();
  });

  test('explicit subscription and server-side mute (rtc-node, autoSubscribe off)', async () => {
    const name = roomName('subs');
    const pub = new Room();
    const sub = new Room();
    try {
      const heard = new AudioCollector(sub);
      const published: RemoteTrackPublication[] = [];
      sub.on(RoomEvent.TrackPublished, (publication) => published.push(publication));
      let unsubscribed = 0;
      sub.on(RoomEvent.TrackUnsubscribed, () => unsubscribed++);
      let muted = false;
      sub.on(RoomEvent.TrackMuted, () => {
        muted = true;
      });
      await withTimeout(
        pub.connect(server.url, await joinToken(name, 'pub'), { autoSubscribe: true, dynacast: false }),
        15_000,
        'pub',
      );
      await withTimeout(
        sub.connect(server.url, await joinToken(name, 'sub'), { autoSubscribe: false, dynacast: false }),
        15_000,
        'sub',
      );
      const tone = new TonePublisher(pub, 700);
      const local = await tone.start();
      await waitFor(() => published.length === 1, 5000, 'TrackPublished without subscription');
      await sleep(1000);
      assert.equal(heard.count('pub'), 0, 'nothing flows before subscribing');
      published[0]?.setSubscribed(true);
      await waitFor(() => heard.count('pub') > 100, 10_000, 'audio after setSubscribed(true)');
      await heard.expectTone('pub', 700);

      await rooms.mutePublishedTrack(name, 'pub', local.sid!, true);
      await waitFor(() => muted, 5000, 'TrackMuted after MutePublishedTrack');

      published[0]?.setSubscribed(false);
      await waitFor(() => unsubscribed === 1, 5000, 'TrackUnsubscribed after setSubscribed(false)');
      tone.stop();
    } finally {
      await pub.disconnect().catch(() => undefined);
      await sub.disconnect().catch(() => undefined);
    }
  });
});
