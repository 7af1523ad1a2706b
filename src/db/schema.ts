import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** An organization: the tenant every resource belongs to. */
export const organizations = pgTable('organizations', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  createdAt: createdAt(),
});

/** API keys, stored as a clear prefix plus the SHA-256 hash of the whole key. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    prefix: text('prefix').notNull(),
    hash: text('hash').notNull(),
    scopes: jsonb('scopes').$type<string[]>().notNull(),
    environment: text('environment').$type<'live' | 'test'>().notNull(),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: createdAt(),
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('api_keys_hash_idx').on(t.hash), index('api_keys_org_idx').on(t.orgId)],
);

/** An organization's own credentials for a cloud provider, encrypted with AES-256-GCM. */
export const providerCredentials = pgTable(
  'provider_credentials',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    slug: text('slug').notNull(),
    encryptedApiKey: text('encrypted_api_key').notNull(),
    baseUrl: text('base_url'),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.slug] })],
);

/** Agents (v2 chat agents), voice-enabled or not. */
export const agents = pgTable(
  'agents',
  {
    id: uuid('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    fullName: text('full_name').notNull(),
    description: text('description').notNull(),
    role: text('role').notNull(),
    language: text('language'),
    systemPrompt: text('system_prompt'),
    specialInstructions: text('special_instructions'),
    modelId: uuid('model_id'),
    sttModelId: uuid('stt_model_id'),
    ttsModelId: uuid('tts_model_id'),
    stsModelId: uuid('sts_model_id'),
    ttsModelParams: jsonb('tts_model_params').$type<Record<string, unknown>>(),
    sttModelParams: jsonb('stt_model_params').$type<Record<string, unknown>>(),
    stsModelParams: jsonb('sts_model_params').$type<Record<string, unknown>>(),
    llmModelParams: jsonb('llm_model_params').$type<Record<string, unknown>>(),
    voiceEnabled: boolean('voice_enabled').notNull().default(false),
    voicePipelineMode: text('voice_pipeline_mode').$type<'pipeline' | 'sts' | 'hybrid'>(),
    voiceParams: jsonb('voice_params').$type<Record<string, unknown>>(),
    welcomeAllowInterruptions: boolean('welcome_allow_interruptions'),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('agents_org_idx').on(t.orgId, t.createdAt)],
);

/** Phone numbers and the agents that answer (inbound) or place (outbound) their calls. */
export const phoneNumbers = pgTable(
  'phone_numbers',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    number: text('number').notNull(),
    provider: text('provider').$type<'twilio' | 'telnyx' | 'sip'>().notNull(),
    inboundAgentId: uuid('inbound_agent_id').references(() => agents.id, { onDelete: 'set null' }),
    outboundAgentId: uuid('outbound_agent_id').references(() => agents.id, { onDelete: 'set null' }),
    sipConfig: jsonb('sip_config').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('phone_numbers_number_idx').on(t.number), index('phone_numbers_org_idx').on(t.orgId)],
);

/** Voice sessions: one per call, web or phone. */
/** One entry of a session's event timeline (`events` on `GET /v1/voice/sessions/{id}`). */
export interface SessionEvent {
  at: string;
  /** `provider_error`: a provider failed (the framework may have retried first). */
  type: 'provider_error';
  /** Which part of the agent failed. */
  capability: 'STT' | 'LLM' | 'TTS' | 'STS';
  /** The provider object's label, e.g. `deepgram.STT`. */
  provider: string;
  message: string;
  /** Whether the provider said trying again may work (429, 5xx, dropped connections). */
  retryable: boolean;
  /** False when the call could not go on because of it. */
  recoverable: boolean;
}

export const voiceSessions = pgTable(
  'voice_sessions',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    // No foreign key: a session outlives its agent.
    agentId: uuid('agent_id').notNull(),
    status: text('status').$type<'created' | 'active' | 'ended' | 'failed'>().notNull(),
    platform: text('platform').$type<'WEB' | 'PHONE'>().notNull(),
    direction: text('direction').$type<'INBOUND' | 'OUTBOUND'>().notNull(),
    roomName: text('room_name').notNull(),
    participantIdentity: text('participant_identity').notNull(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    expiresAt: ts('expires_at').notNull(),
    startedAt: ts('started_at'),
    endedAt: ts('ended_at'),
    endReason: text('end_reason'),
    modeTimeline: jsonb('mode_timeline')
      .$type<{ mode: string; at: string; reason: string }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** What happened to the call besides its mode: provider errors, retries, the way it ended. */
    events: jsonb('events')
      .$type<SessionEvent[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    workerId: text('worker_id'),
    heartbeatAt: ts('heartbeat_at'),
    usage: jsonb('usage').$type<Record<string, unknown>>(),
  },
  (t) => [
    index('voice_sessions_org_idx').on(t.orgId, t.createdAt),
    index('voice_sessions_status_idx').on(t.status),
  ],
);

/** Transcript entries, written as each utterance completes. */
export const transcriptEntries = pgTable(
  'transcript_entries',
  {
    sessionId: text('session_id')
      .notNull()
      .references(() => voiceSessions.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    role: text('role').$type<'user' | 'agent'>().notNull(),
    text: text('text').notNull(),
    startedAt: ts('started_at'),
    endedAt: ts('ended_at'),
    interrupted: boolean('interrupted').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.seq] })],
);

/** Per-turn latency metrics in milliseconds. */
export const turnMetrics = pgTable(
  'turn_metrics',
  {
    sessionId: text('session_id')
      .notNull()
      .references(() => voiceSessions.id, { onDelete: 'cascade' }),
    turn: integer('turn').notNull(),
    endOfSpeechToFinalTranscript: real('end_of_speech_to_final_transcript'),
    llmTimeToFirstToken: real('llm_time_to_first_token'),
    ttsTimeToFirstByte: real('tts_time_to_first_byte'),
    voiceToVoice: real('voice_to_voice'),
    mode: text('mode'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.turn] })],
);
