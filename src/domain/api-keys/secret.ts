import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SECRET_LENGTH = 40;
/** Characters of the key kept in clear to recognise it: `pk_live_` plus four. */
export const PREFIX_LENGTH = 12;
const KEY_PATTERN = /^pk_(live|test)_[0-9A-Za-z]{32,128}$/;

export type KeyEnvironment = 'live' | 'test';

/** A new key: `pk_live_` or `pk_test_` followed by 40 random base62 characters. */
export function generateApiKey(environment: KeyEnvironment): string {
  let secret = '';
  for (let i = 0; i < SECRET_LENGTH; i++) secret += BASE62[randomInt(62)];
  return `pk_${environment}_${secret}`;
}

/** True when the string has the shape of a Parley key (checked before any database work). */
export function isWellFormedKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/** The SHA-256 hex digest stored in place of the key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Constant-time comparison of two hex digests. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
