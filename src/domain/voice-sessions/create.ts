import { z } from 'zod';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { preparedPer } from '../../db/prepared.ts';
import { agents, providerCredentials, voiceSessions } from '../../db/schema.ts';
import { mintCallerToken, type LiveKitCredentials } from '../../livekit/token.ts';
import { isAgentId } from '../agents/get.ts';
import { requireScope, type Ctx } from '../context.ts';
import { DomainError, notFound, validation } from '../errors.ts';
import { newId } from '../ids.ts';
import { modelsOfAgent, unusableReason, type LocalRuntime } from '../providers/usable.ts';

export const METADATA_MAX_BYTES = 4096;

export const createSessionInput = z.strictObject({
  agentId: z.uuid(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type CreateSessionInput = z.input<typeof createSessionInput>;

/**
 * The agent and, in the same query, the organization's configured providers (slug → isActive).
 * The subquery's columns (rendered unqualified) name provider_credentials': the innermost FROM wins.
 */
const agentForCall = preparedPer((db) =>
  db
    .select({
      agent: agents,
      providers: sql<Record<string, boolean> | null>`(
        select json_object_agg(${providerCredentials.slug}, ${providerCredentials.isActive})
        from ${providerCredentials}
        where ${providerCredentials.orgId} = ${sql.placeholder('orgId')})`,
    })
    .from(agents)
    .where(and(eq(agents.id, sql.placeholder('id')), eq(agents.orgId, sql.placeholder('orgId'))))
    .prepare('parley_agent_for_call'),
);

async function loadAgentForCall(db: Db, orgId: string, id: string) {
  if (!isAgentId(id)) throw notFound('Agent');
  const [row] = await agentForCall(db).execute({ id, orgId });
  if (!row) throw notFound('Agent');
  return { agent: row.agent, configured: new Map(Object.entries(row.providers ?? {})) };
}

const insertSession = preparedPer((db) =>
  db
    .insert(voiceSessions)
    .values({
      id: sql.placeholder('id'),
      orgId: sql.placeholder('orgId'),
      agentId: sql.placeholder('agentId'),
      status: 'created',
      platform: sql.placeholder('platform'),
      direction: sql.placeholder('direction'),
      roomName: sql.placeholder('id'),
      participantIdentity: sql.placeholder('identity'),
      metadata: sql.placeholder('metadata'),
      createdAt: sql.placeholder('createdAt'),
      expiresAt: sql.placeholder('expiresAt'),
    })
    .prepare('parley_insert_voice_session'),
);

/** What session creation needs besides the caller's context. */
export interface SessionDeps {
  livekit: LiveKitCredentials;
  tokenTtlSeconds: number;
  runtime: LocalRuntime;
}

export interface StartSessionOptions {
  platform: 'WEB' | 'PHONE';
  direction: 'INBOUND' | 'OUTBOUND';
  identity?: string;
  participantName?: string;
  kind?: 'standard' | 'sip';
  attributes?: Record<string, string>;
}

/**
 * Checks the agent can take a call now (active, voice-enabled, every provider usable), stores the
 * session (`created`) and mints the caller's LiveKit token with the agent dispatch. Shared by the
 * API (web calls) and the SIP gateway (phone calls).
 */
export async function startSession(
  ctx: Ctx,
  deps: SessionDeps,
  input: z.output<typeof createSessionInput>,
  opts: StartSessionOptions,
) {
  const metadata = input.metadata ?? {};
  if (Buffer.byteLength(JSON.stringify(metadata)) > METADATA_MAX_BYTES) {
    throw validation('metadata is too large.', [
      { field: 'metadata', message: `At most ${METADATA_MAX_BYTES} bytes of JSON.` },
    ]);
  }
  const { agent, configured } = await loadAgentForCall(ctx.db, ctx.orgId, input.agentId);
  if (!agent.isActive) throw new DomainError('AGENT_NOT_VOICE_ENABLED', 'The agent is not active.');
  if (!agent.voiceEnabled || !agent.voicePipelineMode) {
    throw new DomainError(
      'AGENT_NOT_VOICE_ENABLED',
      'The agent is not voice-enabled (voiceEnabled with a voicePipelineMode).',
    );
  }
  const problems = modelsOfAgent(agent)
    .map((m) => unusableReason(m, configured, deps.runtime))
    .filter((r): r is string => r !== undefined);
  if (problems.length) throw new DomainError('PROVIDER_NOT_CONFIGURED', [...new Set(problems)].join(' '));

  const id = newId.voiceSession();
  const identity = opts.identity ?? `caller-${id}`;
  const createdAt = new Date();
  const expiresAt = new Date(createdAt.getTime() + deps.tokenTtlSeconds * 1000);
  const token = await mintCallerToken(deps.livekit, {
    roomName: id,
    identity,
    name: opts.participantName,
    ttlSeconds: deps.tokenTtlSeconds,
    sessionId: id,
    kind: opts.kind,
    attributes: opts.attributes,
  });
  await insertSession(ctx.db).execute({
    id,
    orgId: ctx.orgId,
    agentId: agent.id,
    platform: opts.platform,
    direction: opts.direction,
    identity,
    metadata,
    createdAt,
    expiresAt,
  });
  return {
    id,
    agentId: agent.id,
    token,
    serverUrl: deps.livekit.url,
    createdAt: createdAt.toISOString(),
    roomName: id,
    participantIdentity: identity,
    expiresAt: expiresAt.toISOString(),
    status: 'created' as const,
  };
}

/** `POST /v1/voice/sessions`: a web call. */
export async function createVoiceSession({
  ctx,
  deps,
  input,
}: {
  ctx: Ctx;
  deps: SessionDeps;
  input: CreateSessionInput;
}) {
  requireScope(ctx, 'voice:write');
  return startSession(ctx, deps, createSessionInput.parse(input), { platform: 'WEB', direction: 'INBOUND' });
}
