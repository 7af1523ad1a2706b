/**
 * The gateway under pressure, on one platform that trusts only 203.0.113.0/24 (so loopback is
 * untrusted unless a number allows it) and hangs up after 3 s without RTP. The agent worker is not
 * started here: these tests are about the gateway (the benchmark measures it with the worker).
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { pollSession } from '../helpers/platform.ts';
import { RtpPeer } from './support/rtp-peer.ts';
import { newestSession, startSipPlatform, waitFor, type SipPlatform } from './support/platform.ts';
import { runSipp } from './support/sipp.ts';

const UNTRUSTED = '+15550007000';
const TRUNK = '+15550008000';

const invite = (n: number) =>
  [
    `INVITE sip:${TRUNK}@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKfuzz${n}`,
    `From: <sip:+15557654321@127.0.0.1>;tag=f${n}`,
    `To: <sip:${TRUNK}@127.0.0.1>`,
    `Call-ID: fuzz-${n}`,
    'CSeq: 1 INVITE',
    'Max-Forwards: 70',
    'Content-Type: application/sdp',
    'Content-Length: 60',
    '',
    'v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 9 RTP/AVP 0\r\na=sendrecv\r\n',
  ].join('\r\n');

/** Malformed SIP: mutations of a real INVITE and arbitrary bytes (deterministic seed). */
function malformedSip(count: number): Buffer[] {
  const mutation = fc.oneof(
    fc.tuple(fc.nat(400)).map(([n]) => Buffer.from(invite(n).slice(0, n))),
    fc
      .tuple(
        fc.nat(1000),
        fc.array(fc.tuple(fc.nat(700), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
      )
      .map(([n, flips]) => {
        const b = Buffer.from(invite(n));
        for (const [i, v] of flips) b[i % b.length] = v;
        return b;
      }),
    fc
      .tuple(fc.nat(1000), fc.constantFrom('Via', 'From', 'To', 'Call-ID', 'CSeq', 'Content-Length'))
      .map(([n, h]) => Buffer.from(invite(n).replace(new RegExp(`^${h}:.*\\r\\n`, 'm'), ''))),
    fc
      .tuple(
        fc.nat(1000),
        fc.constantFrom(
          'CSeq: 99999999999 INVITE',
          'Content-Length: 99999',
          'Max-Forwards: 0',
          'Via: garbage',
          'CSeq: 1 BYE',
          'To: <sip:x>;tag=nope',
          'Require: 100rel',
        ),
      )
      .map(([n, h]) => Buffer.from(invite(n).replace('Max-Forwards: 70', h))),
    fc.uint8Array({ minLength: 0, maxLength: 1500 }).map((a) => Buffer.from(a)),
    fc.string({ maxLength: 300 }).map((s) => Buffer.from(`${s} sip:x SIP/2.0\r\n${s}: ${s}\r\n\r\n`)),
  );
  return fc.sample(mutation, { numRuns: count, seed: 6 });
}

/** Malformed or hostile RTP: short, wrong version, bogus CSRC/extension/padding, unknown PTs. */
function malformedRtp(count: number): Buffer[] {
  return fc.sample(
    fc
      .tuple(
        fc.uint8Array({ minLength: 0, maxLength: 400 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
      )
      .map(([bytes, b0, b1]) => {
        const b = Buffer.from(bytes);
        if (b.length > 1) {
          b[0] = b0;
          b[1] = b1;
        }
        return b;
      }),
    { numRuns: count, seed: 7 },
  );
}

describe('SIP gateway: trust, load and fuzz', { timeout: 360_000 }, () => {
  let sip: SipPlatform;
  before(async () => {
    sip = await startSipPlatform({
      SIP_TRUSTED_CIDRS: '203.0.113.0/24',
      SIP_RTP_TIMEOUT_SECONDS: '3',
      START_WORKER: 'false',
    });
    await sip.register(UNTRUSTED);
    await sip.register(TRUNK);
    await sip.sipConfig(TRUNK, ['--trusted-cidrs', '127.0.0.0/8']);
  });
  after(async () => {
    await sip?.stop();
  });
  /** The platform's error-level log lines (pino level ≥ 50), for failure messages. */
  const errorLines = () =>
    sip.platform.proc
      .stdout()
      .split('\n')
      .filter((line) => /"level":(5|6)0/.test(line))
      .slice(-20)
      .join('\n') || '(none)';

  test('untrusted source: 403 for a registered number and for an unknown one', async () => {
    const peer = await new RtpPeer().open();
    try {
      for (const service of [UNTRUSTED, '+15559990000']) {
        const r = await runSipp({
          scenario: 'uac-refused.xml',
          vars: { status: '403' },
          gatewayPort: sip.sipPort,
          service,
          rtpPort: peer.port,
          timeoutMs: 15_000,
        });
        assert.equal(r.code, 0, `${service}: ${r.errors}`);
      }
      assert.match(sip.platform.proc.stderr(), /INVITE refused: untrusted source/);
    } finally {
      peer.close();
    }
  });

  test('no RTP for the timeout: the gateway sends BYE and the session ends with error', async () => {
    const peer = await new RtpPeer().open();
    try {
      const r = await runSipp({
        scenario: 'uac-agent-bye.xml',
        gatewayPort: sip.sipPort,
        service: TRUNK,
        rtpPort: peer.port,
        timeoutMs: 30_000,
      });
      assert.equal(r.code, 0, r.errors);
      const session = await newestSession(sip.platform);
      const detail = await pollSession(sip.platform, session.id, (s) => s.status === 'ended', 10_000);
      assert.equal(detail.endReason, 'error');
    } finally {
      peer.close();
    }
  });

  test('20 concurrent calls: all answered, each with its own session', async () => {
    const peer = await new RtpPeer().open();
    try {
      const before = (await sip.platform.request('GET', '/v1/voice/sessions?limit=100')).body.pagination
        .total;
      const r = await runSipp({
        scenario: 'uac-call.xml',
        gatewayPort: sip.sipPort,
        service: TRUNK,
        rtpPort: peer.port,
        calls: 20,
        limit: 20,
        rate: 20,
        durationMs: 2000,
        timeoutMs: 90_000,
      });
      assert.equal(r.code, 0, r.errors);
      assert.equal(r.successful, 20);
      assert.equal(r.failed, 0);
      assert.equal(peer.streams.size, 20, 'one RTP stream per call');
      const list = (await sip.platform.request('GET', '/v1/voice/sessions?limit=100')).body;
      assert.equal(list.pagination.total - before, 20);
      const callIds = new Set(list.data.slice(0, 20).map((s: any) => s.metadata.sipCallId));
      assert.equal(callIds.size, 20);
      assert.equal(errorLines(), '(none)', 'the gateway logged no errors');
    } finally {
      peer.close();
    }
  });

  test('sustained load: 2 calls/s for 60 s, no call fails, each has its session, all end', async () => {
    const peer = await new RtpPeer().open();
    try {
      const before = (await sip.platform.request('GET', '/v1/voice/sessions?limit=1')).body.pagination.total;
      const r = await runSipp({
        scenario: 'uac-call.xml',
        gatewayPort: sip.sipPort,
        service: TRUNK,
        rtpPort: peer.port,
        calls: 120,
        limit: 20,
        rate: 2,
        durationMs: 1500,
        timeoutMs: 120_000,
      });
      assert.equal(r.code, 0, r.errors);
      assert.equal(r.successful, 120);
      assert.equal(r.failed, 0);
      assert.equal(peer.streams.size, 120, 'one RTP stream per call');
      // Every call's session, newest first: the 120 of this test, each ended by the caller's BYE.
      const sessions: any[] = [];
      for (let page = 1; sessions.length < 120; page++) {
        const res = await sip.platform.request('GET', `/v1/voice/sessions?limit=100&page=${page}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.pagination.total - before, 120, 'one session per call');
        sessions.push(...res.body.data);
      }
      const ours = sessions.slice(0, 120);
      assert.equal(new Set(ours.map((x) => x.metadata.sipCallId)).size, 120, 'each call its own session');
      const deadline = Date.now() + 20_000;
      for (;;) {
        const states = await Promise.all(
          ours.map(async (x) => (await sip.platform.request('GET', `/v1/voice/sessions/${x.id}`)).body),
        );
        const open = states.filter((d: any) => d.status !== 'ended');
        if (open.length === 0) {
          assert.ok(
            states.every((d: any) => d.endReason === 'caller_hangup'),
            'every session ended by the caller’s BYE',
          );
          break;
        }
        if (Date.now() > deadline) {
          throw new Error(`${open.length} sessions not ended after 20 s: ${JSON.stringify(open[0])}`);
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.equal(errorLines(), '(none)', 'the gateway logged no errors');
    } finally {
      peer.close();
    }
  });

  test('fuzz: 1,200 malformed SIP messages (UDP and TCP) and 1,000 RTP packets, then a normal call', async () => {
    const peer = await new RtpPeer().open();
    const udp = createSocket('udp4');
    let answers = 0;
    udp.on('message', () => answers++);
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    try {
      const messages = malformedSip(1000);
      for (const [i, m] of messages.entries()) {
        udp.send(m, sip.sipPort, '127.0.0.1');
        if (i % 50 === 0) await new Promise((r) => setTimeout(r, 10));
      }
      for (const m of malformedSip(200)) {
        await new Promise<void>((resolve) => {
          const s = connect(sip.sipPort, '127.0.0.1', () => s.end(m));
          s.on('data', () => undefined);
          s.on('error', () => resolve());
          s.on('close', () => resolve());
          s.setTimeout(2000, () => s.destroy());
        });
      }
      // RTP fuzz into a live call, from the caller's own media address.
      const call = runSipp({
        scenario: 'uac-call.xml',
        gatewayPort: sip.sipPort,
        service: TRUNK,
        rtpPort: peer.port,
        durationMs: 2500,
      });
      const stream = await waitFor(() => peer.only(), 15_000, 'RTP of the live call');
      for (const p of malformedRtp(1000)) peer.sendRaw(stream, p);
      assert.equal((await call).code, 0, 'the call under RTP fuzz completes');
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(answers > 100, `only ${answers} answers to malformed messages`);

      const after = await new RtpPeer().open();
      try {
        const r = await runSipp({
          scenario: 'uac-call.xml',
          gatewayPort: sip.sipPort,
          service: TRUNK,
          rtpPort: after.port,
          durationMs: 1000,
        });
        assert.equal(
          r.code,
          0,
          `a normal call after the fuzz failed: ${r.errors}\nthe platform's errors:\n${errorLines()}`,
        );
        assert.ok(after.only(), 'RTP flows after the fuzz');
        assert.equal(errorLines(), '(none)', 'malformed input is refused, never an internal error');
      } finally {
        after.close();
      }
    } finally {
      udp.close();
      peer.close();
    }
  });
});
