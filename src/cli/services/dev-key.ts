import { eq } from 'drizzle-orm';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../db/client.ts';
import { apiKeys } from '../../db/schema.ts';
import { insertApiKey } from '../../domain/api-keys/create.ts';
import { hashApiKey } from '../../domain/api-keys/secret.ts';
import { ensureOrganization } from '../../domain/orgs/create.ts';

export const DEV_ORG = 'development';

/**
 * The development organization's key for this data dir. Created on first start and kept in the data
 * dir (mode 0600) so every local start can print a usable key; replaced if it was revoked.
 */
export async function ensureDevKey(
  db: Db,
  dataDir: string,
): Promise<{ key: string; orgId: string; created: boolean }> {
  const path = join(dataDir, 'dev-api-key');
  if (existsSync(path)) {
    const key = readFileSync(path, 'utf8').trim();
    const [row] = await db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.hash, hashApiKey(key)));
    if (row && row.isActive && !row.revokedAt) return { key, orgId: row.orgId, created: false };
  }
  const { org } = await ensureOrganization(db, DEV_ORG);
  const created = await insertApiKey(db, org.id, { name: 'development', scopes: ['*'], environment: 'test' });
  writeFileSync(path, created.key, { mode: 0o600 });
  return { key: created.key, orgId: org.id, created: true };
}
