import { revokeApiKey } from '../../../domain/api-keys/revoke.ts';
import type { App } from '../../app-types.ts';
import { ctxOf } from '../../plugins/auth.ts';
import { apiKeySchema, errorResponses, idParam } from '../../schemas.ts';

export function register(app: App) {
  app.post('/v1/chat/api-keys/:id/revoke', {
    config: { scope: 'api-keys:manage' },
    schema: {
      tags: ['API keys'],
      summary: 'Revoke an API key',
      description: 'From now on the key gets 401.',
      params: idParam,
      response: { 200: apiKeySchema, ...errorResponses },
    },
    handler: (req) => revokeApiKey({ ctx: ctxOf(req), input: { id: req.params.id } }),
  });
}
