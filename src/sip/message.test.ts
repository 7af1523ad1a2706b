import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCSeq, parseNameAddr, parseUri, parseVia, tagOf } from './headers.ts';
import {
  buildResponse,
  header,
  headers,
  parseMessage,
  serializeMessage,
  SipParseError,
  type SipRequest,
} from './message.ts';
import { StreamFramer } from './transport.ts';

const INVITE = [
  'INVITE sip:+15550001234@gw.example.com SIP/2.0',
  'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKabc;rport, SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKdef',
  'f: "Alice" <sip:+15557654321@carrier.example>;tag=1928',
  't: <sip:+15550001234@gw.example.com>',
  'i: a84b4c76e66710',
  'CSeq: 314159 INVITE',
  'Record-Route: <sip:p1.example;lr>,<sip:p2.example;lr>',
  'Subject: folded',
  ' header line',
  'l: 4',
  '',
  'v=0\r\nextra',
].join('\r\n');

test('parses requests: compact forms, lists, folding, Content-Length', () => {
  const m = parseMessage(Buffer.from(INVITE)) as SipRequest;
  assert.equal(m.kind, 'request');
  assert.equal(m.method, 'INVITE');
  assert.equal(header(m, 'call-id'), 'a84b4c76e66710');
  assert.equal(headers(m, 'via').length, 2);
  assert.deepEqual(headers(m, 'record-route'), ['<sip:p1.example;lr>', '<sip:p2.example;lr>']);
  assert.equal(header(m, 'subject'), 'folded header line');
  assert.equal(m.body.toString(), 'v=0\r');
  assert.equal(tagOf(header(m, 'from')), '1928');
  assert.equal(parseNameAddr(header(m, 'from')!)?.display, 'Alice');
});

test('parses responses and round-trips through serialization', () => {
  const req = parseMessage(Buffer.from(INVITE)) as SipRequest;
  const res = buildResponse(req, 180, { toTag: 'xyz' });
  const again = parseMessage(serializeMessage(res));
  assert.equal(again.kind, 'response');
  assert.equal(again.kind === 'response' && again.status, 180);
  assert.equal(tagOf(header(again, 'to')), 'xyz');
  assert.equal(headers(again, 'via').length, 2);
  assert.equal(headers(again, 'record-route').length, 2, 'Record-Route is copied into 18x/2xx');
});

test('rejects malformed messages with SipParseError', () => {
  for (const bad of [
    '',
    'garbage',
    'INVITE sip:x SIP/2.0\r\nVia\r\n\r\n',
    'INVITE  SIP/2.0\r\n\r\n',
    'INVITE sip:x SIP/2.0\r\nl: 99\r\n\r\nshort',
  ]) {
    assert.throws(() => parseMessage(Buffer.from(bad)), SipParseError, JSON.stringify(bad));
  }
});

test('header helpers', () => {
  assert.deepEqual(parseVia('SIP/2.0/TCP [::1]:5061;branch=z9hG4bK1;received=1.2.3.4'), {
    transport: 'TCP',
    host: '[::1]',
    port: 5061,
    params: { branch: 'z9hG4bK1', received: '1.2.3.4' },
  });
  assert.deepEqual(parseCSeq('2 bye'), { seq: 2, method: 'BYE' });
  assert.equal(parseCSeq('99999999999 INVITE'), undefined);
  assert.equal(parseUri('sip:+1555%20@h:5060;user=phone')?.user, '+1555 ');
  assert.equal(parseUri('tel:+15550001234;phone-context=x')?.user, '+15550001234');
  assert.equal(parseUri('http://x'), undefined);
});

test('the TCP framer splits a stream on Content-Length', () => {
  const f = new StreamFramer();
  const msg = 'OPTIONS sip:a SIP/2.0\r\nContent-Length: 3\r\n\r\nabc';
  const whole = Buffer.from(`\r\n${msg}${msg}`);
  const out = [...f.push(whole.subarray(0, 10)), ...f.push(whole.subarray(10))];
  assert.equal(out.length, 2);
  assert.equal(out[1]!.toString(), msg);
  assert.throws(
    () => new StreamFramer().push(Buffer.from('X sip:a SIP/2.0\r\nl: -1\r\n\r\n')),
    SipParseError,
  );
});
