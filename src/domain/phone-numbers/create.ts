import { phoneNumbers } from '../../db/schema.ts';
import { loadAgent } from '../agents/get.ts';
import { requireScope, type Ctx } from '../context.ts';
import { conflict } from '../errors.ts';
import { newId } from '../ids.ts';
import { createPhoneNumberInput, type CreatePhoneNumberInput } from './input.ts';
import { serializePhoneNumber } from './serialize.ts';

/** `POST /v1/chat/phone-numbers`: a number exists once per deployment (409 otherwise). */
export async function createPhoneNumber({ ctx, input }: { ctx: Ctx; input: CreatePhoneNumberInput }) {
  requireScope(ctx, 'phone-numbers:write');
  const values = createPhoneNumberInput.parse(input);
  return ctx.db.transaction(async (tx) => {
    if (values.agentId) await loadAgent(tx, ctx.orgId, values.agentId);
    const [row] = await tx
      .insert(phoneNumbers)
      .values({
        id: newId.phoneNumber(),
        orgId: ctx.orgId,
        number: values.number,
        provider: values.provider,
        inboundAgentId: values.agentId ?? null,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw conflict(`The number ${values.number} is already registered.`);
    return serializePhoneNumber(row);
  });
}
