import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildAnswer, parseOffer, SdpError } from './sdp.ts';

const offer = (m: string, extra = '') =>
  `v=0\r\no=a 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n${m}\r\na=rtpmap:101 telephone-event/8000\r\n${extra}`;

test('picks the first G.711 codec offered, with telephone-event', () => {
  const o = parseOffer(offer('m=audio 4000 RTP/AVP 18 8 0 101'));
  assert.deepEqual(o, {
    address: '10.0.0.5',
    port: 4000,
    codec: 'PCMA',
    payloadType: 8,
    dtmfPayloadType: 101,
    direction: 'sendrecv',
  });
  const answer = buildAnswer({ offer: o, host: '192.0.2.1', port: 5000, sessionId: '1', version: 1 });
  assert.match(answer, /m=audio 5000 RTP\/AVP 8 101/);
  assert.match(answer, /c=IN IP4 192.0.2.1/);
  assert.match(answer, /a=sendrecv/);
});

test('hold offers are answered with the matching direction', () => {
  const held = parseOffer(offer('m=audio 4000 RTP/AVP 0', 'a=sendonly\r\n'));
  assert.equal(held.direction, 'sendonly');
  assert.match(buildAnswer({ offer: held, host: 'h', port: 1, sessionId: '1', version: 2 }), /a=recvonly/);
  const old = parseOffer(offer('m=audio 4000 RTP/AVP 0').replace(/10\.0\.0\.5/g, '0.0.0.0'));
  assert.equal(old.direction, 'sendonly', 'c=0.0.0.0 is RFC 2543 hold');
});

test('unusable offers raise SdpError', () => {
  for (const body of [
    'nonsense',
    offer('m=audio 4000 RTP/AVP 18'),
    offer('m=video 4000 RTP/AVP 96'),
    offer('m=audio 4000 RTP/SAVP 0'),
  ]) {
    assert.throws(() => parseOffer(body), SdpError);
  }
});
