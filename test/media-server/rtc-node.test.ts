import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ParticipantKind, Room, RoomEvent, dispose } from '@livekit/rtc-node';
import type { RemoteParticipant, RemoteTrackPublication } from '@livekit/rtc-node';
import type { MediaServer } from '../../src/media-server/index.ts';
import { AudioCollector, TonePublisher, stopAllTones } from './support/rtc-node.ts';
import { joinToken, roomName, startTestServer } from './support/server.ts';
import { waitFor, withTimeout } from './support/wait.ts';

const connectOptions = { autoSubscribe: true, dynacast: false };

after(async () => {
  stopAllTones();
  await dispose();
});

/** Audio packets a participant has sent so far, and when its stats were read (µs). */
async function sentAudioPackets(room: Room): Promise<{ packets: number; atUs: number }> {
  const stats = await room.getRtcStats();
  for (const entry of stats.publisherStats) {
    if (entry.stats.case === 'outboundRtp' && entry.stats.value.stream?.kind === 'audio') {
      return {
        packets: Number(entry.stats.value.sent?.packetsSent ?? 0),
        atUs: Number(entry.stats.value.rtc?.timestamp ?? 0),
      };
    }
  }
  throw new Error('no outbound audio in the publisher stats');
}

/**
 * Two rtc-node participants exchange tones, data, text streams, RPC and attributes, then
 * publish a second track (W12 regression), unpublish it and leave.
 */
async function pairScenario(server: MediaServer): Promise<void> {
  const room = roomName('pair');
  const alice = new Room();
  const bob = new Room();
  try {
    const aliceAudio = new AudioCollector(alice);
    const bobAudio = new AudioCollector(bob);
    const bobData: { text: string; from: string | undefined; topic: string | undefined }[] = [];
    bob.on(RoomEvent.DataReceived, (payload, participant, _kind, topic) => {
      bobData.push({ text: new TextDecoder().decode(payload), from: participant?.identity, topic });
    });
    let transcript: { text: string; from: string } | undefined;
    bob.registerTextStreamHandler('lk.transcription', async (reader, info) => {
      transcript = { text: await reader.readAll(), from: info.identity };
    });
    const bobAttributes = new Map<string, string>();
    bob.on(RoomEvent.ParticipantAttributesChanged, (changed, participant) => {
      if (participant.identity === 'alice')
        for (const [k, v] of Object.entries(changed)) bobAttributes.set(k, v);
    });
    const unpublished: string[] = [];
    bob.on(RoomEvent.TrackUnpublished, (publication: RemoteTrackPublication) => {
      unpublished.push(publication.name ?? '');
    });
    const departed: string[] = [];
    bob.on(RoomEvent.ParticipantDisconnected, (participant: RemoteParticipant) =>
      departed.push(participant.identity),
    );

    await withTimeout(
      alice.connect(server.url, await joinToken(room, 'alice'), connectOptions),
      15_000,
      'alice connects',
    );
    await withTimeout(
      bob.connect(server.url, await joinToken(room, 'bob'), connectOptions),
      15_000,
      'bob connects',
    );
    assert.equal(bob.remoteParticipants.get('alice')?.kind, ParticipantKind.STANDARD);

    const aliceTone = new TonePublisher(alice, 440);
    const bobTone = new TonePublisher(bob, 660);
    await withTimeout(aliceTone.start(), 10_000, 'alice publishes');
    await withTimeout(bobTone.start(), 10_000, 'bob publishes');
    await waitFor(
      () => bobAudio.count('alice') > 150 && aliceAudio.count('bob') > 150,
      15_000,
      'audio both ways',
    );
    await bobAudio.expectTone('alice', 440);
    assert.ok(bobAudio.share('alice', 660) < 0.05, 'bob does not hear his own tone');
    await aliceAudio.expectTone('bob', 660);

    // The server's answer asks for 10 ms Opus packets (libwebrtc sends 20 ms ones by default).
    const before = await sentAudioPackets(alice);
    await new Promise((r) => setTimeout(r, 1500));
    const later = await sentAudioPackets(alice);
    const perSecond = (later.packets - before.packets) / ((later.atUs - before.atUs) / 1e6);
    assert.ok(
      perSecond > 85 && perSecond < 115,
      `alice sends ${perSecond.toFixed(0)} audio packets/s, not 100`,
    );

    // Data: reliable, lossy, and destination filtering.
    const encode = (s: string) => new TextEncoder().encode(s);
    await alice.localParticipant!.publishData(encode('not-for-bob'), {
      reliable: true,
      topic: 'chat',
      destination_identities: ['carol'],
    });
    await alice.localParticipant!.publishData(encode('hello-reliable'), { reliable: true, topic: 'chat' });
    await alice.localParticipant!.publishData(encode('for-bob'), {
      reliable: true,
      topic: 'dm',
      destination_identities: ['bob'],
    });
    await waitFor(() => bobData.some((d) => d.text === 'for-bob'), 5000, 'reliable data to bob');
    for (let i = 0; i < 5 && !bobData.some((d) => d.text === 'hello-lossy'); i++) {
      await alice.localParticipant!.publishData(encode('hello-lossy'), { reliable: false, topic: 'chat' });
      await new Promise((r) => setTimeout(r, 100));
    }
    await waitFor(() => bobData.some((d) => d.text === 'hello-lossy'), 3000, 'lossy data to bob');
    assert.deepEqual(
      bobData.find((d) => d.text === 'hello-reliable'),
      { text: 'hello-reliable', from: 'alice', topic: 'chat' },
    );
    assert.ok(
      !bobData.some((d) => d.text === 'not-for-bob'),
      'packet addressed to carol is not delivered to bob',
    );

    // Text stream on the transcription topic.
    await alice.localParticipant!.sendText('the agent said hi', { topic: 'lk.transcription' });
    await waitFor(() => transcript !== undefined, 5000, 'text stream');
    assert.deepEqual(transcript, { text: 'the agent said hi', from: 'alice' });

    // RPC round trip.
    bob.localParticipant!.registerRpcMethod(
      'echo',
      async (data) => `echo:${data.payload}:${data.callerIdentity}`,
    );
    const reply = await withTimeout(
      alice.localParticipant!.performRpc({ destinationIdentity: 'bob', method: 'echo', payload: 'ping' }),
      8000,
      'rpc reply',
    );
    assert.equal(reply, 'echo:ping:alice');

    // Attributes (needs request_response) reach the other side.
    await withTimeout(
      alice.localParticipant!.setAttributes({ 'lk.agent.state': 'listening' }),
      6000,
      'setAttributes',
    );
    await waitFor(() => bobAttributes.get('lk.agent.state') === 'listening', 5000, 'attributes at bob');

    // A second track from the same participant (werift transceiver recycling, W12).
    const second = new TonePublisher(alice, 880, 8000, 'second');
    await withTimeout(second.start(), 10_000, 'second track publishes');
    await waitFor(() => bobAudio.count('alice', 'second') > 100, 10_000, 'second track audio');
    await bobAudio.expectTone('alice', 880, 'second');

    await second.unpublish();
    await waitFor(() => unpublished.includes('second'), 8000, 'TrackUnpublished at bob');
    aliceTone.stop();
    bobTone.stop();

    await alice.disconnect();
    await waitFor(() => departed.includes('alice'), 8000, 'ParticipantDisconnected at bob');
  } finally {
    stopAllTones();
    await alice.disconnect().catch(() => undefined);
    await bob.disconnect().catch(() => undefined);
  }
}

describe('two rtc-node participants', () => {
  test('v1 (/rtc/v1, single PeerConnection)', async () => {
    const server = await startTestServer();
    try {
      await pairScenario(server);
    } finally {
      await server.close();
    }
  });

  test('v0 (/rtc, two PeerConnections, after the 404 fallback)', async () => {
    const server = await startTestServer({ disableV1: true });
    try {
      await pairScenario(server);
    } finally {
      await server.close();
    }
  });
});
