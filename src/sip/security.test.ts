import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { DigestAuthenticator, digestHa1, parseAuthorization } from './digest.ts';
import { normalizeE164 } from './e164.ts';
import { cidrContains, isTrusted, parseCidr, parseCidrList } from './trust.ts';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

test('CIDR matching: IPv4, IPv6, IPv4-mapped, bare addresses, bad input', () => {
  const list = parseCidrList('127.0.0.0/8, ::1/128, 10.1.2.0/23, 2001:db8::/32, 198.51.100.7');
  assert.ok(isTrusted(list, '127.9.9.9'));
  assert.ok(isTrusted(list, '::ffff:127.0.0.1'));
  assert.ok(isTrusted(list, '::1'));
  assert.ok(isTrusted(list, '10.1.3.255'));
  assert.ok(!isTrusted(list, '10.1.4.0'));
  assert.ok(isTrusted(list, '2001:db8:ffff::1'));
  assert.ok(!isTrusted(list, '2001:db9::1'));
  assert.ok(isTrusted(list, '198.51.100.7'));
  assert.ok(!isTrusted(list, '198.51.100.8'));
  assert.ok(!isTrusted(list, 'not-an-ip'));
  assert.ok(cidrContains(parseCidr('0.0.0.0/0'), '203.0.113.5'));
  for (const bad of ['10.0.0.0/33', 'x/8', '1.2.3.4/', '::1/129']) assert.throws(() => parseCidr(bad), bad);
});

test('E.164 normalization of what carriers send', () => {
  assert.equal(normalizeE164('+15550001234'), '+15550001234');
  assert.equal(normalizeE164('15550001234'), '+15550001234');
  assert.equal(normalizeE164('5550001234'), '+15550001234');
  assert.equal(normalizeE164('+1 (555) 000-1234'), '+15550001234');
  assert.equal(normalizeE164('0015550001234'), '+15550001234');
  assert.equal(normalizeE164('01144207946000'), '+44207946000');
  assert.equal(normalizeE164('+15550001234;npdi'), '+15550001234');
  assert.equal(normalizeE164('02079460000', '44'), '+442079460000');
  assert.equal(normalizeE164('alice'), undefined);
  assert.equal(normalizeE164('+0123'), undefined);
  assert.equal(normalizeE164(''), undefined);
});

test('digest: challenge, qop=auth response, wrong password, stale nonce', () => {
  const auth = new DigestAuthenticator(60_000);
  const creds = { username: 'trunk', realm: 'parley', ha1: digestHa1('trunk', 'parley', 's3cret') };
  const challenge = parseAuthorization(auth.challenge('parley'))!;
  assert.equal(challenge.realm, 'parley');
  assert.equal(challenge.qop, 'auth');
  const respond = (password: string, nonce = challenge.nonce!) => {
    const ha1 = md5(`trunk:parley:${password}`);
    const ha2 = md5('INVITE:sip:+15550001234@gw');
    const response = md5(`${ha1}:${nonce}:00000001:abc:auth:${ha2}`);
    return `Digest username="trunk", realm="parley", nonce="${nonce}", uri="sip:+15550001234@gw", response="${response}", qop=auth, nc=00000001, cnonce="abc", algorithm=MD5`;
  };
  assert.equal(auth.verify(undefined, 'INVITE', creds), 'missing');
  assert.equal(auth.verify(respond('s3cret'), 'INVITE', creds), 'ok');
  assert.equal(auth.verify(respond('wrong'), 'INVITE', creds), 'bad');
  assert.equal(auth.verify(respond('s3cret'), 'BYE', creds), 'bad', 'the method is part of the digest');
  assert.equal(auth.verify(respond('s3cret', 'forged.0123'), 'INVITE', creds), 'bad');
  const old = auth.nonce(Date.now() - 120_000);
  assert.equal(auth.verify(respond('s3cret', old), 'INVITE', creds), 'stale');
  // RFC 2069 style (no qop) is accepted too.
  const nonce = auth.nonce();
  const plain = md5(`${creds.ha1}:${nonce}:${md5('INVITE:sip:x')}`);
  assert.equal(
    auth.verify(
      `Digest username="trunk", realm="parley", nonce="${nonce}", uri="sip:x", response="${plain}"`,
      'INVITE',
      creds,
    ),
    'ok',
  );
});
