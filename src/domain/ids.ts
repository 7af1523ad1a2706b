import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

// Every request takes an id: random bytes are drawn from the system in batches, not 16 at a time.
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function random16(): Buffer {
  if (poolOffset + 16 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;
  return bytes;
}

/**
 * A lowercase ULID: 10 characters of millisecond time then 16 random characters, so ids sort by
 * creation time (`vs_01j3m…` as in the contract).
 */
export function ulid(now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = random16();
  let rand = '';
  for (let i = 0; i < 16; i++) rand += CROCKFORD[bytes[i]! % 32];
  return time + rand;
}

/**
 * True when `id` has the characters of an id this service issues. Anything else (a NUL byte, which
 * PostgreSQL text rejects, spaces, symbols) cannot name a resource and is reported as not found
 * without a query.
 */
export const isPlausibleId = (id: string) => /^[A-Za-z0-9_-]{1,200}$/.test(id);

/** Prefixed resource ids, as the contract names them. */
export const newId = {
  org: () => `org_${ulid()}`,
  apiKey: () => `key_${ulid()}`,
  phoneNumber: () => `pn_${ulid()}`,
  voiceSession: () => `vs_${ulid()}`,
  request: () => `req_${ulid()}`,
};
