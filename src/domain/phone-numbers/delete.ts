import { eq } from 'drizzle-orm';
import { phoneNumbers } from '../../db/schema.ts';
import { requireScope, type Ctx } from '../context.ts';
import { loadPhoneNumber } from './get.ts';

/** `DELETE /v1/chat/phone-numbers/{id}`. */
export async function deletePhoneNumber({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<void> {
  requireScope(ctx, 'phone-numbers:write');
  await ctx.db.transaction(async (tx) => {
    const current = await loadPhoneNumber(tx, ctx.orgId, input.id, true);
    await tx.delete(phoneNumbers).where(eq(phoneNumbers.id, current.id));
  });
}
