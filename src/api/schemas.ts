import { z } from 'zod';

/** Shapes shared by route schemas; they generate the OpenAPI document. */
export const errorEnvelope = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      status: z.number().int(),
      details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    }),
    meta: z.object({ requestId: z.string(), timestamp: z.string() }),
  })
  .meta({ id: 'Error' });

export const errorResponses = {
  400: errorEnvelope,
  401: errorEnvelope,
  403: errorEnvelope,
  404: errorEnvelope,
  429: errorEnvelope,
};

/** Query strings arrive as text; page/limit are clamped by the verbs, never rejected. */
export const pageQuery = {
  page: z.string().optional().describe('1-based page; out-of-range values are clamped.'),
  limit: z.string().optional().describe('Items per page, 1–100 (default 20); clamped.'),
};

export const paginationShape = z.object({
  page: z.number().int(),
  limit: z.number().int(),
  total: z.number().int(),
  totalPages: z.number().int(),
});

export const idParam = z.object({ id: z.string().max(200) });

const json = z.record(z.string(), z.unknown());

export const agentSchema = z
  .object({
    id: z.uuid(),
    fullName: z.string(),
    description: z.string(),
    role: z.string(),
    language: z.string().nullable(),
    systemPrompt: z.string().nullable(),
    specialInstructions: z.string().nullable(),
    modelId: z.string().nullable(),
    sttModelId: z.string().nullable(),
    ttsModelId: z.string().nullable(),
    stsModelId: z.string().nullable(),
    ttsModelParams: json.nullable(),
    sttModelParams: json.nullable(),
    stsModelParams: json.nullable(),
    llmModelParams: json.nullable(),
    voiceEnabled: z.boolean(),
    voicePipelineMode: z.enum(['pipeline', 'sts', 'hybrid']).nullable(),
    voiceParams: json.nullable(),
    welcomeAllowInterruptions: z.boolean().nullable(),
    isActive: z.boolean(),
    orgId: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Agent' });

export const phoneNumberSchema = z
  .object({
    id: z.string(),
    number: z.string(),
    provider: z.enum(['twilio', 'telnyx', 'sip']),
    agentId: z.string().nullable(),
    inBoundAgentId: z.string().nullable(),
    outBoundAgentId: z.string().nullable(),
    orgId: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'PhoneNumber' });

export const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    prefix: z.string(),
    scopes: z.array(z.string()),
    environment: z.enum(['live', 'test']),
    isActive: z.boolean(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });

export const voiceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    provider: z.string(),
    language: z.string(),
    gender: z.enum(['male', 'female', 'neutral']),
    previewUrl: z.string().optional(),
    languages: z.array(z.string()).optional(),
    accent: z.string().optional(),
    description: z.string().optional(),
    modelIds: z.array(z.string()).optional(),
    sampleRates: z.array(z.number()).optional(),
  })
  .meta({ id: 'Voice' });

export const modelSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    provider: z.string(),
    type: z.enum(['TTS', 'STT', 'STS', 'LLM']),
    isActive: z.boolean(),
    languages: z.array(z.string()).optional(),
    description: z.string().optional(),
  })
  .meta({ id: 'Model' });

export const providerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    isActive: z.boolean(),
    capabilities: z.array(z.string()),
    configured: z.boolean(),
    local: z.boolean(),
  })
  .meta({ id: 'Provider' });

export const sessionSummarySchema = z.object({
  id: z.string(),
  agentId: z.string(),
  status: z.enum(['created', 'active', 'ended', 'failed']),
  platform: z.enum(['WEB', 'PHONE']),
  direction: z.enum(['INBOUND', 'OUTBOUND']),
  roomName: z.string(),
  participantIdentity: z.string(),
  metadata: json,
  createdAt: z.string(),
  expiresAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  endReason: z.string().nullable(),
  durationSeconds: z.number().nullable(),
});

const stat = z.object({ p50: z.number().nullable(), p95: z.number().nullable() });
export const sessionDetailSchema = sessionSummarySchema
  .extend({
    mode: z.array(z.object({ mode: z.string(), at: z.string(), reason: z.string() })),
    events: z
      .array(
        z.object({
          at: z.string(),
          type: z.enum(['provider_error']),
          capability: z.enum(['STT', 'LLM', 'TTS', 'STS']),
          provider: z.string(),
          message: z.string(),
          retryable: z.boolean(),
          recoverable: z.boolean(),
        }),
      )
      .describe('Extension: provider errors during the call, in order (see docs/providers.md).'),
    transcript: z.array(
      z.object({
        role: z.enum(['user', 'agent']),
        text: z.string(),
        startedAt: z.string().nullable(),
        endedAt: z.string().nullable(),
        interrupted: z.boolean(),
      }),
    ),
    metrics: z.object({
      turns: z.array(
        z.object({
          turn: z.number(),
          mode: z.string().nullable(),
          endOfSpeechToFinalTranscript: z.number().nullable(),
          llmTimeToFirstToken: z.number().nullable(),
          ttsTimeToFirstByte: z.number().nullable(),
          voiceToVoice: z.number().nullable(),
        }),
      ),
      summary: z.record(z.string(), stat),
    }),
    usage: json.nullable(),
  })
  .meta({ id: 'VoiceSession' });
