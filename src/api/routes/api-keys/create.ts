import { z } from 'zod';
import { createApiKey, createApiKeyInput } from '../../../domain/api-keys/create.ts';
import type { App } from '../../app-types.ts';
import { ctxOf } from '../../plugins/auth.ts';
import { apiKeySchema, errorResponses } from '../../schemas.ts';

export function register(app: App) {
  app.post('/v1/chat/api-keys', {
    config: { scope: 'api-keys:manage' },
    schema: {
      tags: ['API keys'],
      summary: 'Create an API key',
      description: 'The response carries `key`, shown only here.',
      body: z.strictObject(createApiKeyInput.shape),
      response: { 201: apiKeySchema.extend({ key: z.string() }), ...errorResponses },
    },
    handler: async (req, reply) =>
      reply.code(201).send(await createApiKey({ ctx: ctxOf(req), input: req.body })),
  });
}
