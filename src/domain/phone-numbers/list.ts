import { count, desc, eq } from 'drizzle-orm';
import { phoneNumbers } from '../../db/schema.ts';
import { requireScope, type Ctx } from '../context.ts';
import { paginate, type PageRequest } from '../pagination.ts';
import { serializePhoneNumber } from './serialize.ts';

/** `GET /v1/chat/phone-numbers`: paginated, newest first. */
export async function listPhoneNumbers({ ctx, input }: { ctx: Ctx; input: PageRequest }) {
  requireScope(ctx, 'phone-numbers:read');
  const where = eq(phoneNumbers.orgId, ctx.orgId);
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(phoneNumbers)
      .where(where)
      .orderBy(desc(phoneNumbers.createdAt), desc(phoneNumbers.id))
      .limit(input.limit)
      .offset((input.page - 1) * input.limit),
    ctx.db.select({ n: count() }).from(phoneNumbers).where(where),
  ]);
  return paginate(rows.map(serializePhoneNumber), input, total?.n ?? 0);
}
