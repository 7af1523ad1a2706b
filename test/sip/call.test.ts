/**
 * End-to-end: sipp calls numbers on one running platform (`parley start`, offline bakery agent).
 * The scenario's SDP points media at a UDP socket this test owns, which plays caller speech and
 * RFC 4733 digits and records the agent's RTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dispose, Room, RoomEvent } from '@livekit/rtc-node';
import { resamplePcm16 } from '../../src/audio/resample.ts';
import { closeSpeech, speech } from '../helpers/caller.ts';
import { pollSession } from '../helpers/platform.ts';
import { peak, RtpPeer, sequenceGaps, SOUND_PEAK } from './support/rtp-peer.ts';
import { newestSession, startSipPlatform, waitFor, type SipPlatform } from './support/platform.ts';
import { runSipp } from './support/sipp.ts';

const NUMBER = '+15550001234';

describe('SIP gateway: calls from sipp', { timeout: 300_000 }, () => {
  let sip: SipPlatform;
  before(async () => {
    sip = await startSipPlatform();
    await sip.register(NUMBER);
  });
  after(async () => {
    await closeSpeech();
    await sip?.stop();
    await dispose(); // rtc-node's FFI would keep the process alive
  });

  test('answered call: greeting and reply come back as RTP, sipp hangs up, session ends caller_hangup', async () => {
    const peer = await new RtpPeer().open();
    try {
      const call = runSipp({
        scenario: 'uac-call.xml',
        gatewayPort: sip.sipPort,
        service: NUMBER,
        rtpPort: peer.port,
        durationMs: 30_000,
      });
      const stream = await waitFor(
        () => (peer.only()?.firstSoundAt ? peer.only() : undefined),
        25_000,
        'the greeting as RTP',
      );
      // The greeting ends: 600 ms without sound.
      await waitFor(
        () => stream.samples.slice(-30).every((s) => peak(s) < SOUND_PEAK) && stream,
        15_000,
        'the greeting to end',
      );
      const heardBefore = stream.samples.length;
      const words = resamplePcm16(await speech('what time do you open tomorrow'), 48_000, 8_000);
      await peer.sendSpeech(stream, words);
      await waitFor(
        () => stream.samples.slice(heardBefore + 50).some((s) => peak(s) > SOUND_PEAK),
        15_000,
        'the reply as RTP',
      );
      const result = await call;
      assert.equal(result.code, 0, `sipp failed: ${result.errors}`);
      assert.equal(result.successful, 1);
      assert.ok(stream.sequences.length > 500, `${stream.sequences.length} packets`);
      assert.equal(stream.payloadType, 0, 'PCMU as offered first');
      assert.equal(sequenceGaps(stream.sequences), 0, 'no RTP lost on loopback');

      const session = await newestSession(sip.platform);
      const detail = await pollSession(sip.platform, session.id, (s) => s.status === 'ended', 30_000);
      assert.equal(detail.platform, 'PHONE');
      assert.equal(detail.direction, 'INBOUND');
      assert.equal(detail.endReason, 'caller_hangup');
      assert.equal(detail.metadata.customerPhoneNumber, '+15557654321');
      assert.equal(detail.metadata.calledNumber, NUMBER);
      const roles = detail.transcript.map((t: { role: string }) => t.role);
      assert.ok(roles.includes('agent'), JSON.stringify(detail.transcript));
    } finally {
      peer.close();
    }
  });

  test('routing: unknown number 404, unassigned 480, agent not voice-enabled 503', async () => {
    const peer = await new RtpPeer().open();
    try {
      await sip.register('+15550002000', null);
      const quiet = await sip.platform.request('POST', '/v2/chat/agents', {
        fullName: 'Text only',
        description: 'No voice.',
        role: 'assistant',
        language: 'en-US',
        voiceEnabled: false,
      });
      assert.equal(quiet.status, 201, JSON.stringify(quiet.body));
      await sip.register('+15550003000', quiet.body.id);
      const cases: [string, string][] = [
        ['+15559999999', '404'],
        ['+15550002000', '480'],
        ['+15550003000', '503'],
      ];
      for (const [service, status] of cases) {
        const r = await runSipp({
          scenario: 'uac-refused.xml',
          vars: { status },
          gatewayPort: sip.sipPort,
          service,
          rtpPort: peer.port,
          timeoutMs: 15_000,
        });
        assert.equal(r.code, 0, `${service} should get ${status}: ${r.errors}`);
      }
      // The national form of a registered number is routed like its E.164 form (To/Request-URI normalization).
      const r = await runSipp({
        scenario: 'uac-refused.xml',
        vars: { status: '480' },
        gatewayPort: sip.sipPort,
        service: '5550002000',
        rtpPort: peer.port,
        timeoutMs: 15_000,
      });
      assert.equal(r.code, 0, r.errors);
    } finally {
      peer.close();
    }
  });

  test('per-number concurrency limit: the second concurrent call gets 486', async () => {
    const peer = await new RtpPeer().open();
    try {
      await sip.register('+15550004000');
      await sip.sipConfig('+15550004000', ['--max-calls', '1']);
      const first = runSipp({
        scenario: 'uac-call.xml',
        gatewayPort: sip.sipPort,
        service: '+15550004000',
        rtpPort: peer.port,
        durationMs: 5000,
      });
      await waitFor(() => peer.only(), 15_000, 'the first call to be answered');
      const second = await runSipp({
        scenario: 'uac-refused.xml',
        vars: { status: '486' },
        gatewayPort: sip.sipPort,
        service: '+15550004000',
        rtpPort: peer.port,
        timeoutMs: 15_000,
      });
      assert.equal(second.code, 0, second.errors);
      assert.equal((await first).code, 0);
    } finally {
      peer.close();
    }
  });

  test('digest authentication: challenge (401 + nonce), success, wrong password refused', async () => {
    const peer = await new RtpPeer().open();
    try {
      await sip.register('+15550005000');
      await sip.sipConfig('+15550005000', ['--username', 'trunk', '--password', 's3cret']);
      const challenged = await runSipp({
        scenario: 'uac-refused.xml',
        vars: { status: '401' },
        gatewayPort: sip.sipPort,
        service: '+15550005000',
        rtpPort: peer.port,
        timeoutMs: 15_000,
      });
      assert.equal(challenged.code, 0, challenged.errors);
      const ok = await runSipp({
        scenario: 'uac-digest.xml',
        gatewayPort: sip.sipPort,
        service: '+15550005000',
        rtpPort: peer.port,
        auth: { username: 'trunk', password: 's3cret' },
        durationMs: 1000,
      });
      assert.equal(ok.code, 0, ok.errors);
      const bad = await runSipp({
        scenario: 'uac-digest.xml',
        gatewayPort: sip.sipPort,
        service: '+15550005000',
        rtpPort: peer.port,
        auth: { username: 'trunk', password: 'wrong' },
        timeoutMs: 10_000,
      });
      assert.notEqual(bad.code, 0, 'a wrong password is not answered');
      assert.match(bad.errors + bad.stdout, /403/);
    } finally {
      peer.close();
    }
  });

  test('CANCEL before answer: 200 to the CANCEL, 487 to the INVITE, session ends caller_hangup', async () => {
    const peer = await new RtpPeer().open();
    try {
      await sip.register('+15550006000');
      await sip.sipConfig('+15550006000', ['--answer-delay-ms', '8000']);
      const r = await runSipp({
        scenario: 'uac-cancel.xml',
        gatewayPort: sip.sipPort,
        service: '+15550006000',
        rtpPort: peer.port,
        timeoutMs: 20_000,
      });
      assert.equal(r.code, 0, r.errors);
      const session = await newestSession(sip.platform);
      assert.equal(session.metadata.calledNumber, '+15550006000');
      const detail = await pollSession(sip.platform, session.id, (s) => s.status === 'ended', 20_000);
      assert.equal(detail.endReason, 'caller_hangup');
    } finally {
      peer.close();
    }
  });

  test('the agent side ends the call: the gateway sends BYE; DTMF reaches the room; TCP', async () => {
    const peer = await new RtpPeer().open();
    const observer = new Room();
    try {
      const call = runSipp({
        scenario: 'uac-agent-bye.xml',
        gatewayPort: sip.sipPort,
        service: NUMBER,
        transport: 't1',
        rtpPort: peer.port,
        timeoutMs: 60_000,
      });
      const stream = await waitFor(() => peer.only(), 20_000, 'RTP from the gateway');
      const session = await newestSession(sip.platform);
      const digits: string[] = [];
      observer.on(RoomEvent.DtmfReceived, (_code: number, digit: string) => digits.push(digit));
      await observer.connect(sip.mediaUrl, await sip.observerToken(session.roomName), {
        autoSubscribe: false,
        dynacast: false,
      });
      await peer.sendDigit(stream, 1, 1000, 100);
      await peer.sendDigit(stream, 11, 2000, 110);
      await waitFor(() => digits.length >= 2, 10_000, 'DTMF in the room');
      assert.deepEqual(digits, ['1', '#']);

      const ended = await sip.platform.request('POST', `/v1/voice/sessions/${session.id}/end`);
      assert.equal(ended.status, 200, JSON.stringify(ended.body));
      const r = await call;
      assert.equal(r.code, 0, `sipp did not get the BYE: ${r.errors}`);
      const detail = await pollSession(sip.platform, session.id, (s) => s.status === 'ended', 10_000);
      assert.equal(detail.endReason, 'api');
    } finally {
      await observer.disconnect().catch(() => undefined);
      peer.close();
    }
  });

  test('re-INVITE hold and unhold: the gateway stops sending while held and resumes', async () => {
    const peer = await new RtpPeer().open();
    try {
      const r = await runSipp({
        scenario: 'uac-hold.xml',
        gatewayPort: sip.sipPort,
        service: NUMBER,
        rtpPort: peer.port,
        durationMs: 1500,
      });
      assert.equal(r.code, 0, r.errors);
      const s = peer.only();
      assert.ok(s && s.sequences.length > 50, 'RTP flowed');
      // ~1 s held out of ~3.5 s: well under 3.5 s worth of 20 ms packets arrived.
      assert.ok(s.sequences.length < 160, `${s.sequences.length} packets; hold did not pause sending`);
    } finally {
      peer.close();
    }
  });
});
