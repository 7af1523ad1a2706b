import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { getProvider } from '../../catalog/index.ts';
import { providerCredentials } from '../../db/schema.ts';
import type { SecretCipher } from '../../secrets/cipher.ts';
import { requireScope, type Ctx } from '../context.ts';
import { notFound, validation } from '../errors.ts';
import { credentialAad } from './credentials.ts';
import type { ProviderServices } from './services.ts';
import { verifyCredentials } from './verify.ts';

export const setCredentialsInput = z.strictObject({
  apiKey: z.string().trim().min(1).max(4096),
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .nullish(),
  isActive: z.boolean().default(true),
  /**
   * Check the credentials with the provider before storing them (default true). `false` stores
   * them unchecked, e.g. while the provider cannot be reached from here.
   */
  verify: z.boolean().default(true),
});
export type SetCredentialsInput = z.input<typeof setCredentialsInput>;

function providerOrThrow(slug: string) {
  const provider = getProvider(slug);
  if (!provider) throw notFound('Provider');
  return provider;
}

/**
 * `PUT /v1/voice/providers/{slug}` (extension): stores the organization's own credentials, encrypted
 * with AES-256-GCM. They are never returned by any endpoint.
 */
export async function setProviderCredentials({
  ctx,
  cipher,
  providers,
  input,
}: {
  ctx: Ctx;
  cipher: SecretCipher;
  providers: ProviderServices;
  input: { slug: string; body: SetCredentialsInput };
}) {
  requireScope(ctx, 'voice:write');
  const provider = providerOrThrow(input.slug);
  if (provider.local) {
    throw validation(`The ${provider.name} provider runs on this machine and takes no credentials.`, [
      { field: 'slug', message: 'Local providers need no credentials.' },
    ]);
  }
  const body = setCredentialsInput.parse(input.body);
  if (body.baseUrl && !provider.supportsBaseUrl) {
    throw validation('This provider does not accept a baseUrl.', [
      { field: 'baseUrl', message: `${provider.name} has a fixed endpoint.` },
    ]);
  }
  if (provider.slug === 'openai-compatible' && !body.baseUrl) {
    throw validation('baseUrl is required for openai-compatible.', [
      {
        field: 'baseUrl',
        message: 'The base URL of the OpenAI-compatible server, e.g. http://localhost:11434/v1.',
      },
    ]);
  }
  const account = providers.account(provider.slug);
  if (body.verify && account) {
    await verifyCredentials(provider.name, account, {
      apiKey: body.apiKey,
      ...(body.baseUrl ? { baseUrl: body.baseUrl } : {}),
    });
  }
  const values = {
    encryptedApiKey: cipher.encrypt(body.apiKey, credentialAad(ctx.orgId, provider.slug)),
    baseUrl: body.baseUrl ?? null,
    isActive: body.isActive,
    updatedAt: new Date(),
  };
  await ctx.db
    .insert(providerCredentials)
    .values({ orgId: ctx.orgId, slug: provider.slug, ...values })
    .onConflictDoUpdate({ target: [providerCredentials.orgId, providerCredentials.slug], set: values });
  providers.liveVoices.invalidate(ctx.orgId, provider.slug);
  return {
    id: provider.id,
    name: provider.name,
    slug: provider.slug,
    isActive: body.isActive,
    capabilities: provider.capabilities,
    configured: true,
    local: false,
  };
}

/** `DELETE /v1/voice/providers/{slug}` (extension): forgets the organization's credentials. */
export async function deleteProviderCredentials({
  ctx,
  providers,
  input,
}: {
  ctx: Ctx;
  providers: ProviderServices;
  input: { slug: string };
}) {
  requireScope(ctx, 'voice:write');
  const provider = providerOrThrow(input.slug);
  const deleted = await ctx.db
    .delete(providerCredentials)
    .where(and(eq(providerCredentials.orgId, ctx.orgId), eq(providerCredentials.slug, provider.slug)))
    .returning({ slug: providerCredentials.slug });
  if (deleted.length === 0) throw notFound('Provider credentials');
  providers.liveVoices.invalidate(ctx.orgId, provider.slug);
}
