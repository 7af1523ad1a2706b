import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { providerCredentials } from '../../db/schema.ts';
import type { SecretCipher } from '../../secrets/cipher.ts';

/** Decrypted credentials of one provider for one organization; only provider code receives these. */
export interface ProviderCredentials {
  apiKey: string;
  baseUrl?: string;
}

/** Additional authenticated data: ties a ciphertext to its organization and provider. */
export const credentialAad = (orgId: string, slug: string) => `${orgId}/${slug}`;

/** The organization's configured providers: slug → isActive. */
export async function configuredProviders(db: Db | Tx, orgId: string): Promise<Map<string, boolean>> {
  const rows = await db
    .select({ slug: providerCredentials.slug, isActive: providerCredentials.isActive })
    .from(providerCredentials)
    .where(eq(providerCredentials.orgId, orgId));
  return new Map(rows.map((r) => [r.slug, r.isActive]));
}

/** The decrypted credentials of an active provider, for the worker; undefined when not configured. */
export async function loadProviderCredentials(
  db: Db | Tx,
  cipher: SecretCipher,
  orgId: string,
  slug: string,
): Promise<ProviderCredentials | undefined> {
  const [row] = await db
    .select()
    .from(providerCredentials)
    .where(and(eq(providerCredentials.orgId, orgId), eq(providerCredentials.slug, slug)));
  if (!row || !row.isActive) return undefined;
  return {
    apiKey: cipher.decrypt(row.encryptedApiKey, credentialAad(orgId, slug)),
    baseUrl: row.baseUrl ?? undefined,
  };
}
