import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { randomBytes, randomUUID } from 'node:crypto';
import { transcriptEntries, turnMetrics, voiceSessions } from '../../src/db/schema.ts';
import { authenticateApiKey } from '../../src/domain/api-keys/authenticate.ts';
import { createApiKey, insertApiKey } from '../../src/domain/api-keys/create.ts';
import { revokeApiKey } from '../../src/domain/api-keys/revoke.ts';
import { createAgent } from '../../src/domain/agents/create.ts';
import { getAgent } from '../../src/domain/agents/get.ts';
import { listAgents } from '../../src/domain/agents/list.ts';
import { updateAgent } from '../../src/domain/agents/update.ts';
import type { Ctx } from '../../src/domain/context.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { ensureOrganization } from '../../src/domain/orgs/create.ts';
import { createPhoneNumber } from '../../src/domain/phone-numbers/create.ts';
import { loadProviderCredentials } from '../../src/domain/providers/credentials.ts';
import { setProviderCredentials } from '../../src/domain/providers/set-credentials.ts';
import { createVoiceSession } from '../../src/domain/voice-sessions/create.ts';
import { finishSession } from '../../src/domain/voice-sessions/end.ts';
import { getVoiceSession } from '../../src/domain/voice-sessions/get.ts';
import { SecretCipher } from '../../src/secrets/cipher.ts';
import { LiveVoices } from '../../src/domain/providers/live-voices.ts';
import {
  createTestDatabase,
  postgresUnavailable,
  type DbKind,
  type TestDatabase,
} from '../helpers/database.ts';
import { basicAgent, offlineVoiceAgent } from '../helpers/fixtures.ts';

const sessionDeps = {
  livekit: {
    url: 'ws://127.0.0.1:7880',
    apiKey: 'APIrepo',
    apiSecret: randomBytes(24).toString('base64url'),
  },
  tokenTtlSeconds: 600,
  runtime: {},
};

/** The same repository behaviour, whichever database is behind Drizzle. */
function repositorySuite(kind: DbKind) {
  describe(`repository on ${kind}`, async () => {
    const skip = kind === 'postgres' ? await postgresUnavailable() : undefined;
    let tdb: TestDatabase;
    const newCtx = async (): Promise<Ctx> => {
      const { org } = await ensureOrganization(tdb.database.db, `org-${randomUUID()}`);
      return { db: tdb.database.db, orgId: org.id, scopes: ['*'] };
    };
    before(async () => {
      if (!skip) tdb = await createTestDatabase(kind);
    });
    after(async () => {
      await tdb?.close();
    });

    test('agents: create, update in a transaction, list filtered by org', { skip }, async () => {
      const a = await newCtx();
      const b = await newCtx();
      const agent = await createAgent({ ctx: a, input: basicAgent({ fullName: 'Alpha' }) });
      await createAgent({ ctx: b, input: basicAgent({ fullName: 'Alpha' }) });
      const updated = await updateAgent({ ctx: a, input: { id: agent.id, patch: { role: 'sales' } } });
      assert.equal(updated.role, 'sales');
      const list = await listAgents({ ctx: a, input: { page: 1, limit: 10, search: 'alp' } });
      assert.deepEqual(
        list.data.map((x) => x.id),
        [agent.id],
      );
      await assert.rejects(getAgent({ ctx: b, input: { id: agent.id } }), (e: unknown) => {
        assert.ok(e instanceof DomainError);
        assert.equal(e.code, 'NOT_FOUND');
        return true;
      });
    });

    test('search treats LIKE wildcards literally', { skip }, async () => {
      const ctx = await newCtx();
      await createAgent({ ctx, input: basicAgent({ fullName: '100% Sure' }) });
      await createAgent({ ctx, input: basicAgent({ fullName: 'Unsure' }) });
      const list = await listAgents({ ctx, input: { page: 1, limit: 10, search: '0%' } });
      assert.deepEqual(
        list.data.map((x) => x.fullName),
        ['100% Sure'],
      );
      const underscore = await listAgents({ ctx, input: { page: 1, limit: 10, search: '_' } });
      assert.equal(underscore.data.length, 0);
    });

    test('a phone number exists once per deployment', { skip }, async () => {
      const a = await newCtx();
      const b = await newCtx();
      const number = `+4420${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
      await createPhoneNumber({ ctx: a, input: { provider: 'twilio', number } });
      await assert.rejects(
        createPhoneNumber({ ctx: b, input: { provider: 'telnyx', number } }),
        /already registered/,
      );
    });

    test('api keys: hashed at rest, authenticate, revoke takes effect at once', { skip }, async () => {
      const ctx = await newCtx();
      const created = await createApiKey({ ctx, input: { name: 'k', scopes: ['voice:read'] } });
      assert.equal(created.prefix, created.key.slice(0, 12));
      const principal = await authenticateApiKey(tdb.database.db, created.key);
      assert.equal(principal.orgId, ctx.orgId);
      assert.deepEqual(principal.scopes, ['voice:read']);
      await revokeApiKey({ ctx, input: { id: created.id } });
      await assert.rejects(authenticateApiKey(tdb.database.db, created.key), /Invalid API key/);
      const other = await insertApiKey(tdb.database.db, ctx.orgId, {
        name: 'x',
        scopes: ['*'],
        environment: 'live',
      });
      const { rows } = await tdb.database.pool.query('select prefix, hash from api_keys where id = $1', [
        other.id,
      ]);
      assert.equal(rows[0].prefix, other.key.slice(0, 12));
      assert.notEqual(rows[0].hash, other.key);
      assert.ok(!JSON.stringify(rows).includes(other.key));
    });

    test('provider credentials are encrypted at rest and bound to their org', { skip }, async () => {
      const ctx = await newCtx();
      const cipher = new SecretCipher(randomBytes(32));
      await setProviderCredentials({
        ctx,
        cipher,
        // Storage only: the check with the provider is covered by test/api/provider-credentials.
        providers: {
          account: () => undefined,
          liveVoices: new LiveVoices({ cipher, account: () => undefined }),
        },
        input: { slug: 'openai', body: { apiKey: 'sk-test-very-secret' } },
      });
      const { rows } = await tdb.database.pool.query('select * from provider_credentials where org_id = $1', [
        ctx.orgId,
      ]);
      assert.equal(rows.length, 1);
      assert.ok(!JSON.stringify(rows).includes('very-secret'));
      const creds = await loadProviderCredentials(tdb.database.db, cipher, ctx.orgId, 'openai');
      assert.equal(creds?.apiKey, 'sk-test-very-secret');
      // Copying the ciphertext to another org does not decrypt there.
      const other = await newCtx();
      await tdb.database.pool.query(
        'insert into provider_credentials (org_id, slug, encrypted_api_key) values ($1, $2, $3)',
        [other.orgId, 'openai', rows[0].encrypted_api_key],
      );
      await assert.rejects(loadProviderCredentials(tdb.database.db, cipher, other.orgId, 'openai'));
    });

    test('sessions: transcript in order, metrics, finish once', { skip }, async () => {
      const ctx = await newCtx();
      const agent = await createAgent({ ctx, input: offlineVoiceAgent() });
      const session = await createVoiceSession({ ctx, deps: sessionDeps, input: { agentId: agent.id } });
      const db = tdb.database.db;
      await db
        .update(voiceSessions)
        .set({ status: 'active', startedAt: new Date() })
        .where(eq(voiceSessions.id, session.id));
      await db.insert(transcriptEntries).values([
        { sessionId: session.id, seq: 2, role: 'user', text: 'what time do you open' },
        { sessionId: session.id, seq: 1, role: 'agent', text: 'Hello' },
        { sessionId: session.id, seq: 3, role: 'agent', text: 'We open at nine.', interrupted: true },
      ]);
      await db.insert(turnMetrics).values([
        { sessionId: session.id, turn: 1, voiceToVoice: 400, endOfSpeechToFinalTranscript: 50 },
        { sessionId: session.id, turn: 2, voiceToVoice: 600 },
      ]);
      assert.equal(
        await finishSession(db, session.id, { status: 'ended', endReason: 'caller_hangup' }),
        true,
      );
      assert.equal(await finishSession(db, session.id, { status: 'failed', endReason: 'error' }), false);
      const detail = await getVoiceSession({ ctx, input: { id: session.id } });
      assert.equal(detail.status, 'ended');
      assert.equal(detail.endReason, 'caller_hangup');
      assert.deepEqual(
        detail.transcript.map((t) => t.text),
        ['Hello', 'what time do you open', 'We open at nine.'],
      );
      assert.equal(detail.transcript[2]!.interrupted, true);
      assert.deepEqual(detail.metrics.summary.voiceToVoice, { p50: 400, p95: 600 });
      assert.deepEqual(detail.metrics.summary.llmTimeToFirstToken, { p50: null, p95: null });
      assert.equal(typeof detail.durationSeconds, 'number');
    });

    test('a failed transaction leaves nothing behind', { skip }, async () => {
      const ctx = await newCtx();
      const agent = await createAgent({ ctx, input: basicAgent() });
      await assert.rejects(
        tdb.database.db.transaction(async (tx) => {
          await updateAgent({
            ctx: { ...ctx, db: tx as never },
            input: { id: agent.id, patch: { fullName: 'Changed' } },
          });
          throw new Error('abort');
        }),
        /abort/,
      );
      assert.equal((await getAgent({ ctx, input: { id: agent.id } })).fullName, agent.fullName);
    });
  });
}

repositorySuite('pglite');
repositorySuite('postgres');
