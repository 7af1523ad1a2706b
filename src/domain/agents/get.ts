import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { isTransaction, preparedPer } from '../../db/prepared.ts';
import { agents } from '../../db/schema.ts';
import { requireScope, type Ctx } from '../context.ts';
import { notFound } from '../errors.ts';
import { serializeAgent } from './serialize.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Whether `id` can name an agent at all (anything else is a 404 without a query). */
export const isAgentId = (id: string) => UUID.test(id);

type Param = string | ReturnType<typeof sql.placeholder>;
const agentQuery = (db: Db | Tx, id: Param, orgId: Param) =>
  db
    .select()
    .from(agents)
    .where(and(eq(agents.id, id), eq(agents.orgId, orgId)));
const agentById = preparedPer((db) =>
  agentQuery(db, sql.placeholder('id'), sql.placeholder('orgId')).prepare('parley_agent_by_id'),
);

/** The organization's agent row, or 404 (also for another organization's agent and malformed ids). */
export async function loadAgent(db: Db | Tx, orgId: string, id: string, forUpdate = false) {
  if (!isAgentId(id)) throw notFound('Agent');
  const [row] = forUpdate
    ? await agentQuery(db, id, orgId).for('update')
    : isTransaction(db)
      ? await agentQuery(db, id, orgId)
      : await agentById(db).execute({ id, orgId });
  if (!row) throw notFound('Agent');
  return row;
}

/** `GET /v2/chat/agents/{id}`. */
export async function getAgent({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  requireScope(ctx, 'agents:read');
  return serializeAgent(await loadAgent(ctx.db, ctx.orgId, input.id));
}
