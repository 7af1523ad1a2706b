import { randomUUID } from 'node:crypto';
import { agents } from '../../db/schema.ts';
import { requireScope, type Ctx } from '../context.ts';
import { createAgentInput, type CreateAgentInput } from './input.ts';
import { serializeAgent } from './serialize.ts';
import { validateAgent } from './validate.ts';

/** `POST /v2/chat/agents`. */
export async function createAgent({ ctx, input }: { ctx: Ctx; input: CreateAgentInput }) {
  requireScope(ctx, 'agents:write');
  const values = createAgentInput.parse(input);
  const row = { ...values, voiceEnabled: values.voiceEnabled ?? false, isActive: values.isActive ?? true };
  validateAgent(row);
  const [created] = await ctx.db
    .insert(agents)
    .values({ ...row, id: randomUUID(), orgId: ctx.orgId })
    .returning();
  return serializeAgent(created!);
}
