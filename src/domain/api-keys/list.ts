import { desc, eq } from 'drizzle-orm';
import { apiKeys } from '../../db/schema.ts';
import { requireScope, type Ctx } from '../context.ts';
import { serializeApiKey } from './serialize.ts';

/** `GET /v1/chat/api-keys`: the organization's keys, newest first, without their values. */
export async function listApiKeys({ ctx }: { ctx: Ctx }) {
  requireScope(ctx, 'api-keys:manage');
  const rows = await ctx.db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.orgId, ctx.orgId))
    .orderBy(desc(apiKeys.createdAt));
  return rows.map(serializeApiKey);
}
