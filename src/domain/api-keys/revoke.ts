import { and, eq, sql } from 'drizzle-orm';
import { apiKeys } from '../../db/schema.ts';
import { requireScope, type Ctx } from '../context.ts';
import { notFound } from '../errors.ts';
import { isPlausibleId } from '../ids.ts';
import { serializeApiKey } from './serialize.ts';
import { forgetKey, REVOCATION_CHANNEL } from './authenticate.ts';

/** `POST /v1/chat/api-keys/{id}/revoke`: from now on the key gets 401. Revoking twice is a no-op. */
export async function revokeApiKey({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  requireScope(ctx, 'api-keys:manage');
  if (!isPlausibleId(input.id)) throw notFound('API key');
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
    // Delivered on commit to every API process listening (see src/api/plugins/revocations.ts).
    await tx.execute(sql`select pg_notify(${REVOCATION_CHANNEL}, ${current.hash})`);
    return updated!;
  });
  forgetKey(row.hash);
  return serializeApiKey(row);
}
