import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DataPacket,
  DataPacket_Kind,
  DataStream_Header,
  MetricsBatch,
  SendDataRequest,
  Transcription,
  UserPacket,
} from '@livekit/protocol';
import { mungeLocalSdp } from '../../src/media-server/media/peer-config.ts';
import { offeredMedia } from '../../src/media-server/media/offer-media.ts';
import { routeParticipantPacket, serverPacket } from '../../src/media-server/room/data-routing.ts';

const user = { sid: 'PA_user', identity: 'user', isAgent: false };
const agent = { sid: 'PA_agent', identity: 'agent-AJ_1', isAgent: true };

function decode(bytes: Uint8Array): DataPacket {
  return DataPacket.fromBinary(bytes);
}

describe('data packet rules', () => {
  test('the server stamps the sender and keeps the sequence', () => {
    const packet = new DataPacket({
      participantIdentity: 'spoofed',
      sequence: 17,
      value: {
        case: 'user',
        value: new UserPacket({ payload: new Uint8Array([1]), destinationIdentities: ['bob'] }),
      },
    });
    const routed = routeParticipantPacket(user, false, packet.toBinary());
    assert.ok(routed);
    assert.equal(routed.reliable, false);
    assert.deepEqual(routed.destinations, ['bob'], 'legacy user.destination_identities are honoured');
    const out = decode(routed.bytes);
    assert.equal(out.participantIdentity, 'user');
    assert.equal(out.participantSid, 'PA_user');
    assert.equal(out.kind, DataPacket_Kind.LOSSY);
    assert.equal(out.sequence, 17);
    assert.ok(out.value.case === 'user' && out.value.value.participantIdentity === 'user');
  });

  test('agents may speak on behalf of another identity; users may not', () => {
    const header = new DataPacket({
      participantIdentity: 'user',
      value: {
        case: 'streamHeader',
        value: new DataStream_Header({ streamId: 's1', topic: 'lk.transcription' }),
      },
    });
    const fromAgent = routeParticipantPacket(agent, true, header.toBinary());
    assert.equal(fromAgent && decode(fromAgent.bytes).participantIdentity, 'user');
    const fromUser = routeParticipantPacket(
      user,
      true,
      new DataPacket({ ...header, participantIdentity: 'agent-AJ_1' }).toBinary(),
    );
    assert.equal(fromUser && decode(fromUser.bytes).participantIdentity, 'user');
  });

  test('transcriptions only from agents; metrics never forwarded; garbage throws', () => {
    const transcription = new DataPacket({
      value: { case: 'transcription', value: new Transcription({ trackId: 'TR_1' }) },
    });
    assert.equal(routeParticipantPacket(user, true, transcription.toBinary()), undefined);
    assert.ok(routeParticipantPacket(agent, true, transcription.toBinary()));
    const metrics = new DataPacket({ value: { case: 'metrics', value: new MetricsBatch() } });
    assert.equal(routeParticipantPacket(agent, true, metrics.toBinary()), undefined);
    assert.throws(() => routeParticipantPacket(user, true, new Uint8Array([0xff, 0xff, 0xff, 0xff])));
  });

  test('SendData resolves destination SIDs; unknown destinations reach nobody', () => {
    const sids = new Map([['PA_b', 'bob']]);
    const toBob = serverPacket(
      new SendDataRequest({ room: 'r', data: new Uint8Array([1]), destinationSids: ['PA_b'] }),
      sids,
    );
    assert.deepEqual(toBob.destinations, ['bob']);
    const toNobody = serverPacket(new SendDataRequest({ room: 'r', destinationSids: ['PA_gone'] }), sids);
    assert.deepEqual(toNobody.destinations, []);
    const broadcast = serverPacket(
      new SendDataRequest({ room: 'r', topic: 't', kind: DataPacket_Kind.LOSSY }),
      sids,
    );
    assert.equal(broadcast.destinations, undefined);
    assert.equal(broadcast.reliable, false);
  });
});

describe('SDP handling', () => {
  const sdp = [
    'v=0',
    'o=- 1 1 IN IP4 0.0.0.0',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1 2',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'a=mid:0',
    'a=sendonly',
    'a=rtpmap:111 opus/48000/2',
    'a=msid:stream TR_cid',
    'a=candidate:1 1 udp 2130706431 192.0.2.2 5000 typ host',
    'a=candidate:2 1 udp 2130706431 10.1.1.1 5001 typ host',
    'm=audio 0 UDP/TLS/RTP/SAVPF 111',
    'a=mid:1',
    'a=inactive',
    'm=video 0 UDP/TLS/RTP/SAVPF 96',
    'a=mid:2',
    'a=recvonly',
    '',
  ].join('\r\n');

  test('W2: rejected m-lines become port 9; only publicHost candidates remain', () => {
    const munged = mungeLocalSdp(sdp, '192.0.2.2');
    assert.ok(!/^m=\w+ 0 /m.test(munged));
    assert.match(munged, /^m=audio 9 .*\r\na=mid:1/m);
    assert.match(munged, /192\.0\.2\.2 5000/);
    assert.doesNotMatch(munged, /10\.1\.1\.1/);
  });

  test('senders are asked for 10 ms Opus packets', () => {
    const munged = mungeLocalSdp(sdp, '192.0.2.2');
    assert.match(munged, /^a=rtpmap:111 opus\/48000\/2\r\na=ptime:10\r\n/m);
    assert.equal(munged.match(/^a=ptime:/gm)?.length, 1, 'once, in the section that has Opus');
  });

  test('offered media: send state and msid track ids', () => {
    assert.deepEqual(offeredMedia(sdp), [
      { mid: '0', kind: 'audio', sending: true, msidTrackId: 'TR_cid' },
      { mid: '1', kind: 'audio', sending: false },
      { mid: '2', kind: 'video', sending: false },
    ]);
    assert.throws(() => offeredMedia('not sdp'));
    assert.throws(() => offeredMedia('v=0\r\ns=-\r\n'));
  });
});
