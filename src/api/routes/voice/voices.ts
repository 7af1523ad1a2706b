import { z } from 'zod';
import { listVoices } from '../../../domain/catalog/list-voices.ts';
import type { App } from '../../app-types.ts';
import type { ApiDeps } from '../../deps.ts';
import { ctxOf } from '../../plugins/auth.ts';
import { errorResponses, voiceSchema } from '../../schemas.ts';

/**
 * Listings are shared objects (see listVoices), so each is serialized once: the voice list is the
 * largest hot response (about 30 KB) and JSON.stringify dominated its cost.
 */
const bodies = new WeakMap<object, string>();

function serializeOnce(listing: unknown): string {
  if (!listing || typeof listing !== 'object') return JSON.stringify(listing);
  let body = bodies.get(listing);
  if (body === undefined) bodies.set(listing, (body = JSON.stringify(listing)));
  return body;
}

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
    serializerCompiler: () => serializeOnce,
    handler: (req) => listVoices({ ctx: ctxOf(req), providers: deps.providers, input: req.query }),
  });
}
