import { z } from 'zod';
import { deleteAgent } from '../../../domain/agents/delete.ts';
import type { App } from '../../app-types.ts';
import { ctxOf } from '../../plugins/auth.ts';
import { errorResponses, idParam } from '../../schemas.ts';

export function register(app: App) {
  app.delete('/v2/chat/agents/:id', {
    config: { scope: 'agents:write' },
    schema: {
      tags: ['Agents'],
      summary: 'Delete an agent',
      description: 'The agent is detached from its phone numbers; its past sessions remain.',
      params: idParam,
      response: { 204: z.null().describe('Deleted'), ...errorResponses },
    },
    handler: async (req, reply) => {
      await deleteAgent({ ctx: ctxOf(req), input: { id: req.params.id } });
      return reply.code(204).send(null);
    },
  });
}
