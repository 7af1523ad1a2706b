import { z } from 'zod';
import { listApiKeys } from '../../../domain/api-keys/list.ts';
import type { App } from '../../app-types.ts';
import { ctxOf } from '../../plugins/auth.ts';
import { apiKeySchema, errorResponses } from '../../schemas.ts';

export function register(app: App) {
  app.get('/v1/chat/api-keys', {
    config: { scope: 'api-keys:manage' },
    schema: {
      tags: ['API keys'],
      summary: 'List API keys (values are never shown again)',
      response: { 200: z.object({ data: z.array(apiKeySchema) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await listApiKeys({ ctx: ctxOf(req) }) }),
  });
}
