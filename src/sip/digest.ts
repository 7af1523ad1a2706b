/**
 * SIP digest authentication (RFC 3261 §22, RFC 2617 with qop=auth, MD5): challenges with
 * self-validating nonces (an HMAC of the issue time, so no per-challenge state is kept and stale
 * nonces are recognised) and verification against a stored HA1 = MD5(username:realm:password).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Credentials stored for a phone number or trunk: the password itself is never kept. */
export interface DigestCredentials {
  username: string;
  realm: string;
  ha1: string;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** HA1 for storing credentials. */
export function digestHa1(username: string, realm: string, password: string): string {
  return md5(`${username}:${realm}:${password}`);
}

/** Parses `Digest k=v, k="v"` into lower-cased keys. */
export function parseAuthorization(value: string): Record<string, string> | undefined {
  const m = /^\s*Digest\s+(.*)$/is.exec(value);
  if (!m) return undefined;
  const out: Record<string, string> = {};
  const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*(?:,|$)/g;
  let part: RegExpExecArray | null;
  while ((part = re.exec(m[1]!))) {
    out[part[1]!.toLowerCase()] = part[2] !== undefined ? part[2].replace(/\\(.)/g, '$1') : (part[3] ?? '');
  }
  return out;
}

/** Issues and checks nonces and responses for one gateway. */
export class DigestAuthenticator {
  readonly #key: Buffer;

  constructor(
    private readonly nonceTtlMs = 5 * 60_000,
    key: Buffer = randomBytes(32),
  ) {
    this.#key = key;
  }

  /** A fresh nonce: issue time and its HMAC. */
  nonce(now = Date.now()): string {
    const t = now.toString(16);
    return `${t}.${createHmac('sha256', this.#key).update(t).digest('hex').slice(0, 32)}`;
  }

  /** The value of a `WWW-Authenticate` (or `Proxy-Authenticate`) header. */
  challenge(realm: string, stale = false, now = Date.now()): string {
    return `Digest realm="${realm}", nonce="${this.nonce(now)}", algorithm=MD5, qop="auth"${stale ? ', stale=true' : ''}`;
  }

  #nonceState(nonce: string, now: number): 'ok' | 'stale' | 'bad' {
    const [t, mac] = nonce.split('.');
    if (!t || !mac || !/^[0-9a-f]{1,13}$/.test(t)) return 'bad';
    const expected = createHmac('sha256', this.#key).update(t).digest('hex').slice(0, 32);
    if (mac.length !== expected.length || !timingSafeEqual(Buffer.from(mac), Buffer.from(expected)))
      return 'bad';
    const issued = parseInt(t, 16);
    return now - issued > this.nonceTtlMs || issued > now + 60_000 ? 'stale' : 'ok';
  }

  /**
   * Checks an Authorization header for `method` against stored credentials: `ok`, `stale` (right
   * password, expired nonce: challenge again with stale=true) or `bad`.
   */
  verify(
    authorization: string | undefined,
    method: string,
    creds: DigestCredentials,
    now = Date.now(),
  ): 'ok' | 'stale' | 'bad' | 'missing' {
    if (!authorization) return 'missing';
    const a = parseAuthorization(authorization);
    if (!a || !a.nonce || !a.response || !a.uri) return 'bad';
    if (a.username !== creds.username || a.realm !== creds.realm) return 'bad';
    if (a.algorithm && a.algorithm.toUpperCase() !== 'MD5') return 'bad';
    const ha2 = md5(`${method}:${a.uri}`);
    const expected =
      a.qop === 'auth'
        ? md5(`${creds.ha1}:${a.nonce}:${a.nc ?? ''}:${a.cnonce ?? ''}:auth:${ha2}`)
        : a.qop
          ? ''
          : md5(`${creds.ha1}:${a.nonce}:${ha2}`);
    const got = a.response.toLowerCase();
    if (
      !expected ||
      got.length !== expected.length ||
      !timingSafeEqual(Buffer.from(got), Buffer.from(expected))
    ) {
      return 'bad';
    }
    const state = this.#nonceState(a.nonce, now);
    return state === 'ok' ? 'ok' : state === 'stale' ? 'stale' : 'bad';
  }
}
