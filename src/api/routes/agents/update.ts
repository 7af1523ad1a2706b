import { updateAgentInput } from '../../../domain/agents/input.ts';
import { updateAgent } from '../../../domain/agents/update.ts';
import type { App } from '../../app-types.ts';
import { ctxOf } from '../../plugins/auth.ts';
import { agentSchema, errorResponses, idParam } from '../../schemas.ts';

export function register(app: App) {
  app.patch('/v2/chat/agents/:id', {
    config: { scope: 'agents:write' },
    schema: {
      tags: ['Agents'],
      summary: 'Update an agent (partial)',
      params: idParam,
      body: updateAgentInput,
      response: { 200: agentSchema, ...errorResponses },
    },
    handler: (req) => updateAgent({ ctx: ctxOf(req), input: { id: req.params.id, patch: req.body } }),
  });
}
