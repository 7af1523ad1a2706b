import { and, eq } from 'drizzle-orm';
import { apiKeys } from '../../db/schema.ts';
import { requireScope, type Ctx } from '../context.ts';
import { notFound } from '../errors.ts';
import { serializeApiKey } from './serialize.ts';
import { forgetKey } from './authenticate.ts';

/** `POST /v1/chat/api-keys/{id}/revoke`: from now on the key gets 401. Revoking twice is a no-op. */
export async function revokeApiKey({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  requireScope(ctx, 'api-keys:manage');
  const row = await ctx.db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.id, input.id), eq(apiKeys.orgId, ctx.orgId)))
      .for('update');
    if (!current) throw notFound('API key');
    if (current.revokedAt) return current;
    const [updated] = await tx
      .update(apiKeys)
      .set({ isActive: false, revokedAt: new Date() })
      .where(eq(apiKeys.id, current.id))
      .returning();
    return updated!;
  });
  forgetKey(row.hash);
  return serializeApiKey(row);
}
