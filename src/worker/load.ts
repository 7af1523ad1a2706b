import { eq } from 'drizzle-orm';
import type { Config } from '../config/index.ts';
import type { Db } from '../db/client.ts';
import { agents, voiceSessions } from '../db/schema.ts';
import { loadProviderCredentials, type ProviderCredentials } from '../domain/providers/credentials.ts';
import { modelsOfAgent } from '../domain/providers/usable.ts';
import { loadSecretKey, SecretCipher } from '../secrets/cipher.ts';

export type SessionRow = typeof voiceSessions.$inferSelect;
export type AgentRow = typeof agents.$inferSelect;

/** Everything a job needs about its call, read once when the job starts. */
export interface CallSpec {
  session: SessionRow;
  agent: AgentRow;
  /** Decrypted credentials of the cloud providers the agent uses, by slug. */
  credentials: Map<string, ProviderCredentials>;
}

/** The session id carried by the dispatch metadata (`{"sessionId": …}`). */
export function sessionIdFromMetadata(metadata: string | undefined): string | undefined {
  if (!metadata) return undefined;
  try {
    const parsed = JSON.parse(metadata) as { sessionId?: unknown };
    return typeof parsed.sessionId === 'string' && /^vs_[0-9a-z]{10,40}$/.test(parsed.sessionId)
      ? parsed.sessionId
      : undefined;
  } catch {
    return undefined;
  }
}

/** Loads the session, its agent and the credentials its providers need. */
export async function loadCall(
  db: Db,
  config: Config,
  sessionId: string,
): Promise<CallSpec | { error: string }> {
  const [session] = await db.select().from(voiceSessions).where(eq(voiceSessions.id, sessionId));
  if (!session) return { error: `session ${sessionId} does not exist` };
  if (session.status !== 'created') return { error: `session ${sessionId} is ${session.status}` };
  const [agent] = await db.select().from(agents).where(eq(agents.id, session.agentId));
  if (!agent) return { error: `agent ${session.agentId} no longer exists` };
  const credentials = new Map<string, ProviderCredentials>();
  const cloud = new Set(
    modelsOfAgent(agent)
      .filter((m) => m.provider !== 'local')
      .map((m) => m.provider),
  );
  if (cloud.size > 0) {
    const cipher = new SecretCipher(loadSecretKey(config.dataDir, config.PARLEY_SECRET_KEY));
    for (const slug of cloud) {
      const creds = await loadProviderCredentials(db, cipher, session.orgId, slug);
      if (creds) credentials.set(slug, creds);
    }
  }
  return { session, agent, credentials };
}
