/**
 * v1 renegotiation races. rtc-node's engine can lose the negotiation for a track it announced
 * (add_track) while an offer for something else was already on its way; the server then prompts
 * the client for a fresh offer until the track's media arrives.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AddTrackRequest,
  ClientInfo,
  ClientInfo_SDK,
  JoinRequest,
  SessionDescription,
  SignalRequest,
  SignalResponse,
  TrackType,
  WrappedJoinRequest,
  WrappedJoinRequest_Compression,
} from '@livekit/protocol';
import { Room, RoomEvent, dispose } from '@livekit/rtc-node';
import type { RemoteParticipant, RemoteTrackPublication } from '@livekit/rtc-node';
import { RTCPeerConnection } from 'werift';
import { WebSocket } from 'ws';
import type { MediaServer } from '../../src/media-server/index.ts';
import { AudioCollector, TonePublisher, stopAllTones } from './support/rtc-node.ts';
import { joinToken, roomName, startTestServer } from './support/server.ts';
import { sleep, waitFor, withTimeout } from './support/wait.ts';

let server: MediaServer;

before(async () => {
  server = await startTestServer();
});

after(async () => {
  stopAllTones();
  await server.close();
  await dispose();
});

/** A raw v1 client: joins with a real (werift-made) offer, then speaks protobuf directly. */
async function rawV1Client(token: string) {
  const pc = new RTCPeerConnection();
  pc.addTransceiver('audio', { direction: 'recvonly' });
  pc.createDataChannel('_reliable');
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  const join = new JoinRequest({
    clientInfo: new ClientInfo({ sdk: ClientInfo_SDK.JS, protocol: 16 }),
    publisherOffer: new SessionDescription({ type: 'offer', sdp: pc.localDescription!.sdp, id: 1 }),
  });
  const wrapped = new WrappedJoinRequest({
    compression: WrappedJoinRequest_Compression.NONE,
    joinRequest: join.toBinary(),
  });
  const ws = new WebSocket(
    `${server.url}/rtc/v1?join_request=${Buffer.from(wrapped.toBinary()).toString('base64url')}`,
    { headers: { Authorization: `Bearer ${token}` } },
  );
  const messages: { at: number; message: SignalResponse['message'] }[] = [];
  ws.on('message', (data: Buffer) =>
    messages.push({ at: Date.now(), message: SignalResponse.fromBinary(data).message }),
  );
  ws.on('error', () => undefined);
  await withTimeout(new Promise((resolve) => ws.once('open', resolve)), 10_000, 'the raw client connects');
  return {
    messages,
    of: (kind: SignalResponse['message']['case']) => messages.filter((m) => m.message.case === kind),
    send: (message: SignalRequest['message']) => ws.send(new SignalRequest({ message }).toBinary()),
    async close() {
      ws.close();
      await pc.close();
    },
  };
}

describe('v1 renegotiation', { timeout: 120_000 }, () => {
  test('a track announced but never offered makes the server ask for a fresh offer, a bounded number of times', async () => {
    const client = await rawV1Client(await joinToken(roomName('prompt'), 'raw'));
    try {
      await waitFor(() => client.of('answer').length === 1, 10_000, 'the answer to the join offer');
      const announcedAt = Date.now();
      client.send({
        case: 'addTrack',
        value: new AddTrackRequest({ cid: 'mic-1', name: 'microphone', type: TrackType.AUDIO }),
      });
      await waitFor(() => client.of('trackPublished').length === 1, 5_000, 'trackPublished');
      await waitFor(() => client.of('mediaSectionsRequirement').length >= 1, 3_000, 'a prompt to re-offer');
      const first = client.of('mediaSectionsRequirement')[0]!;
      assert.ok(first.at - announcedAt >= 900, `prompted after ${first.at - announcedAt} ms, not at once`);
      // The client never offers: the prompts stop after a few.
      await sleep(6_500);
      const prompts = client.of('mediaSectionsRequirement').length;
      assert.ok(prompts >= 3 && prompts <= 5, `${prompts} prompts`);
      await sleep(1_500);
      assert.equal(client.of('mediaSectionsRequirement').length, prompts, 'no prompts after the budget');
    } finally {
      await client.close();
    }
  });

  test('rtc-node: publishing right after an explicit subscription still reaches the other side', async () => {
    // The delays put add_track inside the window of the offer that the subscription triggers.
    for (const delayMs of [100, 160, 220]) {
      const room = roomName('race');
      const caller = new Room();
      const agent = new Room();
      const heard = new AudioCollector(caller);
      const callerTone = new TonePublisher(caller, 440);
      const agentTone = new TonePublisher(agent, 880);
      try {
        await caller.connect(server.url, await joinToken(room, 'caller'), {
          autoSubscribe: true,
          dynacast: false,
        });
        await callerTone.start();
        agent.on(RoomEvent.TrackPublished, (publication: RemoteTrackPublication, _p: RemoteParticipant) => {
          publication.setSubscribed(true);
          setTimeout(() => void agentTone.start().catch(() => undefined), delayMs);
        });
        await agent.connect(server.url, await joinToken(room, 'agent', { kind: 'agent' }), {
          autoSubscribe: false,
          dynacast: false,
        });
        // Tracks published before the agent joined are announced with the join, not as events.
        for (const p of agent.remoteParticipants.values())
          for (const publication of p.trackPublications.values())
            agent.emit(RoomEvent.TrackPublished, publication, p);
        await heard.expectTone('agent', 880, 'tone', 15_000);
      } finally {
        callerTone.stop();
        agentTone.stop();
        await agent.disconnect();
        await caller.disconnect();
      }
    }
  });
});
