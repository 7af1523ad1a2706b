import { z } from 'zod';
import { apiKeys } from '../../db/schema.ts';
import type { Db, Tx } from '../../db/client.ts';
import { requireScope, SCOPES, type Ctx } from '../context.ts';
import { newId } from '../ids.ts';
import { generateApiKey, hashApiKey, PREFIX_LENGTH } from './secret.ts';
import { serializeApiKey } from './serialize.ts';

export const scopeSchema = z.enum(['*', ...SCOPES]);

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(500).nullish(),
  scopes: z
    .array(scopeSchema)
    .min(1)
    .max(SCOPES.length + 1)
    .default(['*']),
  environment: z.enum(['live', 'test']).default('live'),
});
export type CreateApiKeyInput = z.input<typeof createApiKeyInput>;

/** Inserts a key for an organization; shared by the API verb and the CLI bootstrap. */
export async function insertApiKey(db: Db | Tx, orgId: string, input: z.output<typeof createApiKeyInput>) {
  const key = generateApiKey(input.environment);
  const [row] = await db
    .insert(apiKeys)
    .values({
      id: newId.apiKey(),
      orgId,
      name: input.name,
      description: input.description ?? null,
      prefix: key.slice(0, PREFIX_LENGTH),
      hash: hashApiKey(key),
      scopes: [...new Set(input.scopes)],
      environment: input.environment,
    })
    .returning();
  return { ...serializeApiKey(row!), key };
}

/** `POST /v1/chat/api-keys`: creates a key; the returned `key` is shown only once. */
export async function createApiKey({ ctx, input }: { ctx: Ctx; input: CreateApiKeyInput }) {
  requireScope(ctx, 'api-keys:manage');
  return insertApiKey(ctx.db, ctx.orgId, createApiKeyInput.parse(input));
}
