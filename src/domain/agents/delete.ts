import { eq } from 'drizzle-orm';
import { agents } from '../../db/schema.ts';
import { requireScope, type Ctx } from '../context.ts';
import { loadAgent } from './get.ts';

/**
 * `DELETE /v2/chat/agents/{id}`: the agent goes; its phone numbers are detached by the foreign keys
 * (`on delete set null`) and its past sessions remain.
 */
export async function deleteAgent({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<void> {
  requireScope(ctx, 'agents:write');
  await ctx.db.transaction(async (tx) => {
    const current = await loadAgent(tx, ctx.orgId, input.id, true);
    await tx.delete(agents).where(eq(agents.id, current.id));
  });
}
