import { eq } from 'drizzle-orm';
import { agents } from '../../db/schema.ts';
import { requireScope, type Ctx } from '../context.ts';
import { loadAgent } from './get.ts';
import { updateAgentInput, type UpdateAgentInput } from './input.ts';
import { serializeAgent } from './serialize.ts';
import { validateAgent } from './validate.ts';

/** `PATCH /v2/chat/agents/{id}`: a partial update; the merged agent must pass the same rules as on create. */
export async function updateAgent({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string; patch: UpdateAgentInput };
}) {
  requireScope(ctx, 'agents:write');
  const patch = updateAgentInput.parse(input.patch);
  return ctx.db.transaction(async (tx) => {
    const current = await loadAgent(tx, ctx.orgId, input.id, true);
    const merged = { ...current, ...patch };
    validateAgent(merged);
    const [updated] = await tx
      .update(agents)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(agents.id, current.id))
      .returning();
    return serializeAgent(updated!);
  });
}
