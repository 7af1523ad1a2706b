import { z } from 'zod';
import { listProviders } from '../../../domain/providers/list.ts';
import {
  deleteProviderCredentials,
  setCredentialsInput,
  setProviderCredentials,
} from '../../../domain/providers/set-credentials.ts';
import type { App } from '../../app-types.ts';
import type { ApiDeps } from '../../deps.ts';
import { ctxOf } from '../../plugins/auth.ts';
import { errorResponses, providerSchema } from '../../schemas.ts';

const slugParam = z.object({ slug: z.string().max(64) });

export function register(app: App, deps: ApiDeps) {
  app.get('/v1/voice/providers', {
    config: { scope: 'voice:read' },
    schema: {
      tags: ['Voice'],
      summary: 'List providers and whether the organization can use them',
      response: { 200: z.object({ data: z.array(providerSchema) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await listProviders({ ctx: ctxOf(req) }) }),
  });
  app.put('/v1/voice/providers/:slug', {
    config: { scope: 'voice:write' },
    schema: {
      tags: ['Voice'],
      summary: "Store the organization's credentials for a provider (extension)",
      description:
        'Checked with the provider first (422 when it refuses them, 503 when it cannot be reached; ' +
        '`verify: false` skips the check), then encrypted at rest (AES-256-GCM) and never returned.',
      params: slugParam,
      body: setCredentialsInput,
      response: { 200: providerSchema, ...errorResponses },
    },
    handler: (req) =>
      setProviderCredentials({
        ctx: ctxOf(req),
        cipher: deps.cipher,
        providers: deps.providers,
        input: { slug: req.params.slug, body: req.body },
      }),
  });
  app.delete('/v1/voice/providers/:slug', {
    config: { scope: 'voice:write' },
    schema: {
      tags: ['Voice'],
      summary: "Remove the organization's credentials for a provider (extension)",
      params: slugParam,
      response: { 204: z.null().describe('Removed'), ...errorResponses },
    },
    handler: async (req, reply) => {
      await deleteProviderCredentials({
        ctx: ctxOf(req),
        providers: deps.providers,
        input: { slug: req.params.slug },
      });
      return reply.code(204).send(null);
    },
  });
}
