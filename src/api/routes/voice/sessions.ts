import { z } from 'zod';
import { createSessionInput, createVoiceSession } from '../../../domain/voice-sessions/create.ts';
import { endVoiceSession } from '../../../domain/voice-sessions/end.ts';
import { getVoiceSession } from '../../../domain/voice-sessions/get.ts';
import { listVoiceSessions } from '../../../domain/voice-sessions/list.ts';
import { clampPage } from '../../../domain/pagination.ts';
import type { App } from '../../app-types.ts';
import type { ApiDeps } from '../../deps.ts';
import { ctxOf } from '../../plugins/auth.ts';
import {
  errorEnvelope,
  errorResponses,
  idParam,
  pageQuery,
  paginationShape,
  sessionDetailSchema,
  sessionSummarySchema,
} from '../../schemas.ts';

const createdSchema = z
  .object({
    id: z.string(),
    agentId: z.string(),
    token: z.string().describe('LiveKit access token for the caller'),
    serverUrl: z.string().describe('LiveKit server URL to connect to'),
    createdAt: z.string(),
    roomName: z.string(),
    participantIdentity: z.string(),
    expiresAt: z.string(),
    status: z.literal('created'),
  })
  .meta({ id: 'VoiceSessionCreated' });

export function register(app: App, deps: ApiDeps) {
  app.post('/v1/voice/sessions', {
    config: { scope: 'voice:write' },
    schema: {
      tags: ['Voice'],
      summary: 'Create a real-time voice session',
      description: 'Returns a LiveKit token and server URL; connect with a LiveKit SDK and the agent joins.',
      body: createSessionInput,
      response: { 201: createdSchema, 422: errorEnvelope, ...errorResponses },
    },
    handler: async (req, reply) =>
      reply
        .code(201)
        .send(await createVoiceSession({ ctx: ctxOf(req), deps: deps.sessions, input: req.body })),
  });
  app.get('/v1/voice/sessions', {
    config: { scope: 'voice:read' },
    schema: {
      tags: ['Voice'],
      summary: 'List voice sessions',
      querystring: z.object({
        ...pageQuery,
        agentId: z.uuid().optional(),
        status: z.enum(['created', 'active', 'ended', 'failed']).optional(),
        platform: z.enum(['WEB', 'PHONE']).optional(),
        direction: z.enum(['INBOUND', 'OUTBOUND']).optional(),
      }),
      response: {
        200: z.object({ data: z.array(sessionSummarySchema), pagination: paginationShape }),
        ...errorResponses,
      },
    },
    handler: (req) => {
      const { page: _p, limit: _l, ...filters } = req.query;
      return listVoiceSessions({ ctx: ctxOf(req), input: { ...clampPage(req.query), ...filters } });
    },
  });
  app.get('/v1/voice/sessions/:id', {
    config: { scope: 'voice:read' },
    schema: {
      tags: ['Voice'],
      summary: 'Get a voice session with its transcript and per-turn metrics',
      params: idParam,
      response: { 200: sessionDetailSchema, ...errorResponses },
    },
    handler: (req) => getVoiceSession({ ctx: ctxOf(req), input: { id: req.params.id } }),
  });
  app.post('/v1/voice/sessions/:id/end', {
    config: { scope: 'voice:write' },
    schema: {
      tags: ['Voice'],
      summary: 'End a live voice session',
      params: idParam,
      response: { 200: sessionDetailSchema, ...errorResponses },
    },
    handler: (req) => endVoiceSession({ ctx: ctxOf(req), rooms: deps.rooms, input: { id: req.params.id } }),
  });
}
