import { eq } from 'drizzle-orm';
import { phoneNumbers } from '../../db/schema.ts';
import { loadAgent } from '../agents/get.ts';
import { requireScope, type Ctx } from '../context.ts';
import { validation } from '../errors.ts';
import { loadPhoneNumber } from './get.ts';
import { updatePhoneNumberInput, type UpdatePhoneNumberInput } from './input.ts';
import { serializePhoneNumber } from './serialize.ts';

/** `PATCH /v1/chat/phone-numbers/{id}`: assigns or (with null) unassigns the inbound and outbound agents. */
export async function updatePhoneNumber({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string; patch: UpdatePhoneNumberInput };
}) {
  requireScope(ctx, 'phone-numbers:write');
  const patch = updatePhoneNumberInput.parse(input.patch);
  if (
    patch.agentId !== undefined &&
    patch.inBoundAgentId !== undefined &&
    patch.agentId !== patch.inBoundAgentId
  ) {
    throw validation('agentId is an alias of inBoundAgentId; send one of them.', [
      { field: 'agentId', message: 'Conflicts with inBoundAgentId.' },
    ]);
  }
  const inbound = patch.inBoundAgentId !== undefined ? patch.inBoundAgentId : patch.agentId;
  return ctx.db.transaction(async (tx) => {
    const current = await loadPhoneNumber(tx, ctx.orgId, input.id, true);
    const set: Partial<typeof phoneNumbers.$inferInsert> = {};
    if (inbound !== undefined) {
      if (inbound) await loadAgent(tx, ctx.orgId, inbound);
      set.inboundAgentId = inbound;
    }
    if (patch.outBoundAgentId !== undefined) {
      if (patch.outBoundAgentId) await loadAgent(tx, ctx.orgId, patch.outBoundAgentId);
      set.outboundAgentId = patch.outBoundAgentId;
    }
    if (Object.keys(set).length === 0) return serializePhoneNumber(current);
    const [row] = await tx.update(phoneNumbers).set(set).where(eq(phoneNumbers.id, current.id)).returning();
    return serializePhoneNumber(row!);
  });
}
