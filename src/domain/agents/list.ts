import { and, count, desc, eq, ilike, type SQL } from 'drizzle-orm';
import { agents } from '../../db/schema.ts';
import { requireScope, type Ctx } from '../context.ts';
import { paginate, type PageRequest } from '../pagination.ts';
import { serializeAgent } from './serialize.ts';

/** `GET /v1/chat/agents`: paginated, newest first; `search` is a case-insensitive substring of fullName. */
export async function listAgents({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: PageRequest & { search?: string; isActive?: boolean };
}) {
  requireScope(ctx, 'agents:read');
  const filters: SQL[] = [eq(agents.orgId, ctx.orgId)];
  if (input.search) filters.push(ilike(agents.fullName, `%${input.search.replace(/[\\%_]/g, '\\$&')}%`));
  if (input.isActive !== undefined) filters.push(eq(agents.isActive, input.isActive));
  const where = and(...filters);
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(agents)
      .where(where)
      .orderBy(desc(agents.createdAt), desc(agents.id))
      .limit(input.limit)
      .offset((input.page - 1) * input.limit),
    ctx.db.select({ n: count() }).from(agents).where(where),
  ]);
  return paginate(rows.map(serializeAgent), input, total?.n ?? 0);
}
