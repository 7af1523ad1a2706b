import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { transcriptEntries, turnMetrics, voiceSessions, type SessionEvent } from '../../db/schema.ts';

/**
 * The writes a running call makes, each its own small statement so that whatever happened before a
 * crash is already stored. Used by the agent worker (and the SIP gateway).
 */
export class SessionRecorder {
  #seq = 0;
  #turn = 0;
  constructor(
    private readonly db: Db,
    readonly sessionId: string,
  ) {}

  /** Marks the session `active` once the agent joined; refuses sessions that already ended. */
  async activate(workerId: string): Promise<boolean> {
    const rows = await this.db
      .update(voiceSessions)
      .set({ status: 'active', startedAt: new Date(), workerId, heartbeatAt: new Date() })
      .where(and(eq(voiceSessions.id, this.sessionId), eq(voiceSessions.status, 'created')))
      .returning({ id: voiceSessions.id });
    return rows.length === 1;
  }

  /** Proves the call is still being served; the sweeper fails sessions whose heartbeat stops. */
  async heartbeat(): Promise<void> {
    await this.db
      .update(voiceSessions)
      .set({ heartbeatAt: new Date() })
      .where(and(eq(voiceSessions.id, this.sessionId), eq(voiceSessions.status, 'active')));
  }

  async transcript(entry: {
    role: 'user' | 'agent';
    text: string;
    startedAt?: Date;
    endedAt?: Date;
    interrupted?: boolean;
  }): Promise<void> {
    const seq = ++this.#seq;
    await this.db.insert(transcriptEntries).values({ sessionId: this.sessionId, seq, ...entry });
  }

  async turn(m: {
    endOfSpeechToFinalTranscript?: number | null;
    llmTimeToFirstToken?: number | null;
    ttsTimeToFirstByte?: number | null;
    voiceToVoice?: number | null;
    mode?: string;
  }): Promise<number> {
    const turn = ++this.#turn;
    await this.db.insert(turnMetrics).values({ sessionId: this.sessionId, turn, ...m });
    return turn;
  }

  /** Appends an entry to the session's event timeline. */
  async event(entry: Omit<SessionEvent, 'at'>): Promise<void> {
    const value = JSON.stringify([{ at: new Date().toISOString(), ...entry }]);
    await this.db
      .update(voiceSessions)
      .set({ events: sql`${voiceSessions.events} || ${value}::jsonb` })
      .where(eq(voiceSessions.id, this.sessionId));
  }

  /** Appends a `{mode, at, reason}` entry to the session's mode timeline. */
  async modeSwitch(mode: string, reason: string): Promise<void> {
    const entry = JSON.stringify([{ mode, at: new Date().toISOString(), reason }]);
    await this.db
      .update(voiceSessions)
      .set({ modeTimeline: sql`${voiceSessions.modeTimeline} || ${entry}::jsonb` })
      .where(eq(voiceSessions.id, this.sessionId));
  }
}

/**
 * Fails active sessions whose worker stopped sending heartbeats (the worker died mid-call). The
 * transcript written so far stays. Returns the ids it failed.
 */
export async function failStaleSessions(db: Db, staleAfterMs: number): Promise<string[]> {
  const cutoff = new Date(Date.now() - staleAfterMs);
  const stale = await db
    .select({ id: voiceSessions.id })
    .from(voiceSessions)
    .where(and(eq(voiceSessions.status, 'active'), lt(voiceSessions.heartbeatAt, cutoff)));
  if (stale.length === 0) return [];
  const failed = await db
    .update(voiceSessions)
    .set({ status: 'failed', endReason: 'error', endedAt: new Date() })
    .where(
      and(
        inArray(
          voiceSessions.id,
          stale.map((s) => s.id),
        ),
        eq(voiceSessions.status, 'active'),
        lt(voiceSessions.heartbeatAt, cutoff),
      ),
    )
    .returning({ id: voiceSessions.id });
  return failed.map((f) => f.id);
}
