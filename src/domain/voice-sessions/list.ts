import { and, count, desc, eq, type SQL } from 'drizzle-orm';
import { voiceSessions } from '../../db/schema.ts';
import { requireScope, type Ctx } from '../context.ts';
import { paginate, type PageRequest } from '../pagination.ts';
import { serializeSessionSummary } from './serialize.ts';

export interface SessionFilter {
  agentId?: string;
  status?: 'created' | 'active' | 'ended' | 'failed';
  platform?: 'WEB' | 'PHONE';
  direction?: 'INBOUND' | 'OUTBOUND';
}

/** `GET /v1/voice/sessions`: paginated, newest first, filtered. */
export async function listVoiceSessions({ ctx, input }: { ctx: Ctx; input: PageRequest & SessionFilter }) {
  requireScope(ctx, 'voice:read');
  const filters: SQL[] = [eq(voiceSessions.orgId, ctx.orgId)];
  if (input.agentId) filters.push(eq(voiceSessions.agentId, input.agentId));
  if (input.status) filters.push(eq(voiceSessions.status, input.status));
  if (input.platform) filters.push(eq(voiceSessions.platform, input.platform));
  if (input.direction) filters.push(eq(voiceSessions.direction, input.direction));
  const where = and(...filters);
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(voiceSessions)
      .where(where)
      .orderBy(desc(voiceSessions.createdAt), desc(voiceSessions.id))
      .limit(input.limit)
      .offset((input.page - 1) * input.limit),
    ctx.db.select({ n: count() }).from(voiceSessions).where(where),
  ]);
  return paginate(rows.map(serializeSessionSummary), input, total?.n ?? 0);
}
