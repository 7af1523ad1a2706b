import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  SessionDescription,
  SignalRequest,
  SignalResponse,
  WrappedJoinRequest,
  WrappedJoinRequest_Compression,
} from '@livekit/protocol';
import { Room, RoomEvent, dispose } from '@livekit/rtc-node';
import { SignJWT } from 'jose';
import { AccessToken } from 'livekit-server-sdk';
import { WebSocket } from 'ws';
import type { MediaServer } from '../../src/media-server/index.ts';
import { RecordingLogger } from './support/recording-logger.ts';
import { AudioCollector, TonePublisher, stopAllTones } from './support/rtc-node.ts';
import { apiKey, apiSecret, joinToken, roomName, startTestServer } from './support/server.ts';
import { waitFor, withTimeout } from './support/wait.ts';

let server: MediaServer;
const logger = new RecordingLogger();

before(async () => {
  server = await startTestServer({ logger });
});

after(async () => {
  stopAllTones();
  await server.close();
  await dispose();
});

/** Opens a raw WebSocket; resolves with the HTTP status when the upgrade is refused. */
function upgradeStatus(path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url}${path}`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('error', (err) => {
      if (!String(err).includes('Unexpected server response')) reject(err);
    });
  });
}

/** A raw v0 signalling client that records decoded server messages. */
class RawClient {
  readonly ws: WebSocket;
  readonly messages: SignalResponse[] = [];
  closed = false;
  readonly opened: Promise<void>;

  constructor(token: string) {
    this.ws = new WebSocket(`${server.url}/rtc?access_token=${token}&protocol=16&auto_subscribe=1`);
    this.ws.on('message', (data: Buffer) => this.messages.push(SignalResponse.fromBinary(data)));
    this.ws.on('close', () => {
      this.closed = true;
    });
    this.ws.on('error', () => undefined);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  has(kind: SignalResponse['message']['case']): boolean {
    return this.messages.some((m) => m.message.case === kind);
  }
}

/** A correctly signed token that expired a minute ago. */
function expired(): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ video: { roomJoin: true, room: 'x' } })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(apiKey)
    .setSubject('late')
    .setNotBefore(now - 120)
    .setExpirationTime(now - 60)
    .sign(new TextEncoder().encode(apiSecret));
}

describe('robustness', () => {
  test('bad tokens and malformed join requests are refused before the upgrade', async () => {
    const room = roomName('auth');
    const forged = new AccessToken(apiKey, 'not-the-secret-not-the-secret-0000', { identity: 'eve' });
    forged.addGrant({ roomJoin: true, room });
    const unknownKey = new AccessToken('other-key', apiSecret, { identity: 'eve' });
    unknownKey.addGrant({ roomJoin: true, room });
    const noJoin = new AccessToken(apiKey, apiSecret, { identity: 'eve' });
    noJoin.addGrant({ room });
    const valid = await joinToken(room, 'eve');
    const cases: [string, string, Record<string, string>, number][] = [
      ['no token', '/rtc', {}, 401],
      ['garbage token', '/rtc?access_token=abc.def.ghi', {}, 401],
      ['not a JWT', '/rtc', { Authorization: 'Bearer %%%' }, 401],
      ['wrong secret', `/rtc?access_token=${await forged.toJwt()}`, {}, 401],
      ['unknown key', `/rtc?access_token=${await unknownKey.toJwt()}`, {}, 401],
      ['no roomJoin grant', '/rtc/v1', { Authorization: `Bearer ${await noJoin.toJwt()}` }, 401],
      ['expired', `/rtc?access_token=${await expired()}`, {}, 401],
      ['agent endpoint without agent grant', '/agent', { Authorization: `Bearer ${valid}` }, 401],
      ['v1 without join_request', '/rtc/v1', { Authorization: `Bearer ${valid}` }, 400],
      [
        'v1 garbage join_request',
        `/rtc/v1?join_request=${randomBytes(64).toString('base64url')}`,
        { Authorization: `Bearer ${valid}` },
        400,
      ],
      ['unknown path', '/nope', {}, 404],
    ];
    for (const [what, path, headers, status] of cases) {
      assert.equal(await upgradeStatus(path, headers), status, what);
    }
    // v1 with a JoinRequest that claims gzip but is not.
    const wrapped = new WrappedJoinRequest({
      compression: WrappedJoinRequest_Compression.GZIP,
      joinRequest: randomBytes(32),
    });
    assert.equal(
      await upgradeStatus(`/rtc/v1?join_request=${Buffer.from(wrapped.toBinary()).toString('base64url')}`, {
        Authorization: `Bearer ${valid}`,
      }),
      400,
      'bad gzip',
    );
  });

  test('malformed frames close only the offending participant; fresh clients still work', async () => {
    const room = roomName('fuzz');
    const bystander = new RawClient(await joinToken(room, 'bystander'));
    await bystander.opened;
    await waitFor(() => bystander.has('join'), 5000, 'join response for the bystander');
    assert.equal(bystander.messages[0]?.message.case, 'join', 'join is the first message');

    const offenders: [string, (ws: WebSocket) => void][] = [
      ['random bytes', (ws) => ws.send(randomBytes(200))],
      ['text frame', (ws) => ws.send('{"offer":{}}')],
      ['empty request', (ws) => ws.send(new SignalRequest().toBinary())],
      ['unknown field only', (ws) => ws.send(Buffer.from([0xfa, 0x07, 0x02, 0x08, 0x01]))],
      ['oversized frame', (ws) => ws.send(randomBytes(1024 * 1024))],
      [
        'answer without an offer',
        (ws) =>
          ws.send(
            new SignalRequest({
              message: {
                case: 'answer',
                value: new SessionDescription({ type: 'answer', sdp: 'v=0', id: 7 }),
              },
            }).toBinary(),
          ),
      ],
      [
        'garbage SDP offer',
        (ws) =>
          ws.send(
            new SignalRequest({
              message: {
                case: 'offer',
                value: new SessionDescription({ type: 'offer', sdp: 'not sdp at all', id: 1 }),
              },
            }).toBinary(),
          ),
      ],
      [
        'malformed trickle',
        (ws) =>
          ws.send(
            new SignalRequest({
              message: { case: 'trickle', value: { candidateInit: '{nope', target: 0 } as never },
            }).toBinary(),
          ),
      ],
    ];
    for (const [what, misbehave] of offenders) {
      const client = new RawClient(await joinToken(room, `offender-${what.replace(/\W+/g, '-')}`));
      await client.opened;
      await waitFor(() => client.has('join'), 5000, `join for ${what}`);
      misbehave(client.ws);
      await waitFor(() => client.closed, 5000, `server to close the connection after: ${what}`);
    }
    assert.ok(!bystander.closed, 'the bystander stays connected');
    // A ping still gets answered.
    bystander.ws.send(new SignalRequest({ message: { case: 'ping', value: 1n } }).toBinary());
    await waitFor(() => bystander.has('pong'), 3000, 'pong for the bystander');
    const reasons = logger.find('participant left').map((e) => String(e.fields.reason));
    assert.ok(
      reasons.some((r) => r.startsWith('malformed signal request')),
      'reason logged',
    );
    assert.ok(
      reasons.some((r) => r.startsWith('failed to handle answer')),
      'negotiation error logged',
    );
    bystander.ws.close();

    // The server still serves a fresh pair of real clients.
    const freshRoom = roomName('fresh');
    const a = new Room();
    const b = new Room();
    try {
      const heard = new AudioCollector(b);
      const got: string[] = [];
      b.on(RoomEvent.DataReceived, (payload) => got.push(new TextDecoder().decode(payload)));
      await withTimeout(
        a.connect(server.url, await joinToken(freshRoom, 'a'), { autoSubscribe: true, dynacast: false }),
        15_000,
        'a connects',
      );
      await withTimeout(
        b.connect(server.url, await joinToken(freshRoom, 'b'), { autoSubscribe: true, dynacast: false }),
        15_000,
        'b connects',
      );
      const tone = new TonePublisher(a, 500);
      await tone.start();
      await a.localParticipant!.publishData(new TextEncoder().encode('still alive'), { reliable: true });
      await waitFor(() => got.includes('still alive'), 5000, 'data after the fuzzing');
      await waitFor(() => heard.count('a') > 50, 10_000, 'audio after the fuzzing');
      tone.stop();
    } finally {
      await a.disconnect().catch(() => undefined);
      await b.disconnect().catch(() => undefined);
    }
  });
});
