import { createAgent } from '../../../domain/agents/create.ts';
import { createAgentInput } from '../../../domain/agents/input.ts';
import type { App } from '../../app-types.ts';
import { ctxOf } from '../../plugins/auth.ts';
import { agentSchema, errorResponses } from '../../schemas.ts';

export function register(app: App) {
  app.post('/v2/chat/agents', {
    config: { scope: 'agents:write' },
    schema: {
      tags: ['Agents'],
      summary: 'Create an agent',
      body: createAgentInput,
      response: { 201: agentSchema, ...errorResponses },
    },
    handler: async (req, reply) =>
      reply.code(201).send(await createAgent({ ctx: ctxOf(req), input: req.body })),
  });
}
