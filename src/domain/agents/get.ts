import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { agents } from '../../db/schema.ts';
import { requireScope, type Ctx } from '../context.ts';
import { notFound } from '../errors.ts';
import { serializeAgent } from './serialize.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The organization's agent row, or 404 (also for another organization's agent and malformed ids). */
export async function loadAgent(db: Db | Tx, orgId: string, id: string, forUpdate = false) {
  if (!UUID.test(id)) throw notFound('Agent');
  const query = db
    .select()
    .from(agents)
    .where(and(eq(agents.id, id), eq(agents.orgId, orgId)));
  const [row] = forUpdate ? await query.for('update') : await query;
  if (!row) throw notFound('Agent');
  return row;
}

/** `GET /v2/chat/agents/{id}`. */
export async function getAgent({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  requireScope(ctx, 'agents:read');
  return serializeAgent(await loadAgent(ctx.db, ctx.orgId, input.id));
}
