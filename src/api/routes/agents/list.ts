import { z } from 'zod';
import { listAgents } from '../../../domain/agents/list.ts';
import { clampPage } from '../../../domain/pagination.ts';
import type { App } from '../../app-types.ts';
import { ctxOf } from '../../plugins/auth.ts';
import { agentSchema, errorResponses, pageQuery, paginationShape } from '../../schemas.ts';

export function register(app: App) {
  app.get('/v1/chat/agents', {
    config: { scope: 'agents:read' },
    schema: {
      tags: ['Agents'],
      summary: 'List agents',
      querystring: z.object({
        ...pageQuery,
        search: z.string().max(200).optional().describe('Case-insensitive substring of fullName.'),
        isActive: z.enum(['true', 'false']).optional(),
      }),
      response: {
        200: z.object({ data: z.array(agentSchema), pagination: paginationShape }),
        ...errorResponses,
      },
    },
    handler: (req) =>
      listAgents({
        ctx: ctxOf(req),
        input: {
          ...clampPage(req.query),
          search: req.query.search,
          isActive: req.query.isActive === undefined ? undefined : req.query.isActive === 'true',
        },
      }),
  });
}
