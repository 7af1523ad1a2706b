import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTelephoneEvent, DtmfDecoder } from './dtmf.ts';
import { decodeG711, encodeG711 } from './g711.ts';
import { JitterBuffer } from './jitter-buffer.ts';
import { buildRtp, parseRtp } from './packet.ts';

test('RTP packets round-trip; invalid ones are rejected', () => {
  const payload = Buffer.from([1, 2, 3]);
  const p = parseRtp(
    buildRtp({ payloadType: 8, marker: true, sequence: 65535, timestamp: 4294967295, ssrc: 7, payload }),
  );
  assert.deepEqual(p, {
    payloadType: 8,
    marker: true,
    sequence: 65535,
    timestamp: 4294967295,
    ssrc: 7,
    payload,
  });
  assert.equal(parseRtp(Buffer.alloc(11)), undefined);
  assert.equal(parseRtp(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])), undefined, 'version 1');
  const padded = Buffer.concat([
    buildRtp({ payloadType: 0, marker: false, sequence: 1, timestamp: 1, ssrc: 1, payload }),
    Buffer.from([0, 2]),
  ]);
  padded[0] = 0xa0;
  assert.deepEqual(parseRtp(padded)?.payload, payload);
  const badPad = Buffer.from(padded);
  badPad[badPad.length - 1] = 200;
  assert.equal(parseRtp(badPad), undefined);
});

test('G.711 μ-law and A-law keep speech within quantization error', () => {
  const pcm = Int16Array.from({ length: 160 }, (_, i) =>
    Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)),
  );
  for (const codec of ['PCMU', 'PCMA'] as const) {
    const back = decodeG711(codec, encodeG711(codec, pcm));
    const worst = Math.max(...pcm.map((s, i) => Math.abs(s - back[i]!)));
    assert.ok(worst < 400, `${codec} error ${worst}`);
  }
  assert.equal(encodeG711('PCMU', new Int16Array([0]))[0], 0xff);
  assert.equal(encodeG711('PCMA', new Int16Array([0]))[0], 0xd5);
});

test('jitter buffer: reorders, drops duplicates and late packets, reports loss, survives wrap', () => {
  const jb = new JitterBuffer({ targetDepth: 3 });
  const f = (n: number) => Buffer.from([n]);
  jb.push(65534, f(1));
  assert.equal(jb.pop().kind, 'empty', 'still buffering');
  jb.push(0, f(3)); // wraps: 65534, 65535, 0
  jb.push(65535, f(2));
  jb.push(65535, f(2));
  const out = [jb.pop(), jb.pop(), jb.pop()].map((p) => (p.kind === 'frame' ? p.payload[0] : p.kind));
  assert.deepEqual(out, [1, 2, 3]);
  jb.push(65535, f(9)); // late
  jb.push(2, f(5)); // 1 is missing
  jb.push(3, f(6));
  jb.push(4, f(7));
  assert.equal(jb.pop().kind, 'lost');
  assert.deepEqual(
    [jb.pop(), jb.pop(), jb.pop()].map((p) => (p.kind === 'frame' ? p.payload[0] : p.kind)),
    [5, 6, 7],
  );
  assert.equal(jb.pop().kind, 'empty', 'underrun');
  assert.equal(jb.stats.duplicate, 1);
  assert.equal(jb.stats.late, 1);
  assert.equal(jb.stats.lost, 1);
});

test('jitter buffer bounds its depth', () => {
  const jb = new JitterBuffer({ targetDepth: 2, maxDepth: 5 });
  for (let i = 0; i < 20; i++) jb.push(i, Buffer.from([i]));
  assert.ok(jb.depth <= 5);
  const first = jb.pop();
  assert.equal(first.kind === 'frame' && first.payload[0], 15);
});

test('RFC 4733: one key press per event, reported at its end, once', () => {
  const d = new DtmfDecoder();
  assert.equal(d.push(1000, buildTelephoneEvent(5, false, 160)), undefined);
  const ev = d.push(1000, buildTelephoneEvent(5, true, 640));
  assert.deepEqual(ev, { code: 5, digit: '5', durationSamples: 640 });
  assert.equal(d.push(1000, buildTelephoneEvent(5, true, 640)), undefined, 'retransmitted end');
  assert.equal(d.push(2000, buildTelephoneEvent(11, true, 640))?.digit, '#');
  assert.equal(d.push(3000, buildTelephoneEvent(10, true, 640))?.digit, '*');
  assert.equal(d.push(4000, buildTelephoneEvent(200, true, 640)), undefined, 'not a DTMF event');
  assert.equal(d.push(5000, Buffer.from([1])), undefined, 'truncated');
});
