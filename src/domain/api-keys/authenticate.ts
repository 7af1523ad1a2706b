import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { apiKeys } from '../../db/schema.ts';
import { DomainError } from '../errors.ts';
import { digestsEqual, hashApiKey, isWellFormedKey } from './secret.ts';

/** The identity an API key resolves to. */
export interface KeyPrincipal {
  keyId: string;
  orgId: string;
  scopes: string[];
}

// Writing lastUsedAt on every request would double the writes of hot endpoints: once a minute is enough.
const LAST_USED_RESOLUTION_MS = 60_000;
/**
 * Verified keys are remembered briefly so hot endpoints skip a query. Revocation in this process
 * evicts at once; other API processes learn of it through the `parley_api_keys` notification (and,
 * if that is missed, within this TTL).
 */
export const AUTH_CACHE_TTL_MS = 2_000;
const AUTH_CACHE_MAX = 10_000;

const lastUsedWritten = new Map<string, number>();
const verified = new Map<string, { principal: KeyPrincipal; until: number }>();
const revokedHashes = new Set<string>();

/** Called on revocation so this process never lets the key through again. */
export function forgetKey(hash: string): void {
  revokedHashes.add(hash);
  verified.delete(hash);
  lastUsedWritten.delete(hash);
}

/** The channel other processes are told on about revocations. */
export const REVOCATION_CHANNEL = 'parley_api_keys';

const unauthorized = (message: string) => new DomainError('UNAUTHORIZED', message);

/**
 * Resolves an `x-api-key` header to its organization and scopes. The key is looked up by its
 * SHA-256 digest and the digests are compared in constant time; revoked keys fail at once.
 */
export async function authenticateApiKey(db: Db, header: string | undefined): Promise<KeyPrincipal> {
  if (!header) throw unauthorized('Missing API key. Send it in the x-api-key header.');
  if (!isWellFormedKey(header)) throw unauthorized('Invalid API key.');
  const hash = hashApiKey(header);
  if (revokedHashes.has(hash)) throw unauthorized('Invalid API key.');
  const now = Date.now();
  const cached = verified.get(hash);
  if (cached && cached.until > now) return cached.principal;

  const [row] = await db
    .select({
      id: apiKeys.id,
      orgId: apiKeys.orgId,
      hash: apiKeys.hash,
      scopes: apiKeys.scopes,
      isActive: apiKeys.isActive,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.hash, hash))
    .limit(1);
  if (!row || !digestsEqual(row.hash, hash) || !row.isActive || row.revokedAt) {
    verified.delete(hash);
    throw unauthorized('Invalid API key.');
  }
  const principal = { keyId: row.id, orgId: row.orgId, scopes: row.scopes };
  if (verified.size >= AUTH_CACHE_MAX) verified.clear();
  verified.set(hash, { principal, until: now + AUTH_CACHE_TTL_MS });
  if ((lastUsedWritten.get(hash) ?? 0) < now - LAST_USED_RESOLUTION_MS) {
    lastUsedWritten.set(hash, now);
    db.update(apiKeys)
      .set({ lastUsedAt: sql`now()` })
      .where(eq(apiKeys.id, row.id))
      .catch(() => lastUsedWritten.delete(hash));
  }
  return principal;
}
