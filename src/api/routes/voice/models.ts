import { z } from 'zod';
import { listChatModels, listVoiceModels } from '../../../domain/catalog/list-models.ts';
import type { App } from '../../app-types.ts';
import type { ApiDeps } from '../../deps.ts';
import { ctxOf } from '../../plugins/auth.ts';
import { errorResponses, modelSchema } from '../../schemas.ts';

const filters = {
  provider: z.string().max(64).optional(),
  language: z.string().max(35).optional(),
};

export function register(app: App, deps: ApiDeps) {
  app.get('/v1/voice/models', {
    config: { scope: 'voice:read' },
    schema: {
      tags: ['Voice'],
      summary: 'List TTS, STT and STS models',
      querystring: z.object({ type: z.enum(['TTS', 'STT', 'STS']).optional(), ...filters }),
      response: { 200: z.object({ data: z.array(modelSchema) }), ...errorResponses },
    },
    handler: (req) => listVoiceModels({ ctx: ctxOf(req), runtime: deps.sessions.runtime, input: req.query }),
  });
  app.get('/v1/chat/models', {
    config: { scope: 'agents:read' },
    schema: {
      tags: ['Agents'],
      summary: 'List LLMs for agents',
      querystring: z.object(filters),
      response: { 200: z.object({ data: z.array(modelSchema) }), ...errorResponses },
    },
    handler: (req) => listChatModels({ ctx: ctxOf(req), input: req.query }),
  });
}
