import { getAgent } from '../../../domain/agents/get.ts';
import type { App } from '../../app-types.ts';
import { ctxOf } from '../../plugins/auth.ts';
import { agentSchema, errorResponses, idParam } from '../../schemas.ts';

export function register(app: App) {
  app.get('/v2/chat/agents/:id', {
    config: { scope: 'agents:read' },
    schema: {
      tags: ['Agents'],
      summary: 'Get an agent',
      params: idParam,
      response: { 200: agentSchema, ...errorResponses },
    },
    handler: (req) => getAgent({ ctx: ctxOf(req), input: { id: req.params.id } }),
  });
}
