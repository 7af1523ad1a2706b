import { z } from 'zod';
import { listVoices } from '../../../domain/catalog/list-voices.ts';
import type { App } from '../../app-types.ts';
import type { ApiDeps } from '../../deps.ts';
import { ctxOf } from '../../plugins/auth.ts';
import { errorResponses, voiceSchema } from '../../schemas.ts';

export function register(app: App, deps: ApiDeps) {
  app.get('/v1/voice/voices', {
    config: { scope: 'voice:read' },
    schema: {
      tags: ['Voice'],
      summary: 'List TTS voices across providers',
      querystring: z.object({
        provider: z.string().max(64).optional(),
        language: z.string().max(35).optional().describe('Prefix match: `en` matches `en-US`.'),
        gender: z.enum(['male', 'female', 'neutral']).optional(),
        search: z.string().max(200).optional().describe('Substring of the name.'),
      }),
      response: { 200: z.object({ data: z.array(voiceSchema) }), ...errorResponses },
    },
    handler: (req) => listVoices({ ctx: ctxOf(req), providers: deps.providers, input: req.query }),
  });
}
