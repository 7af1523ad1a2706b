import { and, asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { transcriptEntries, turnMetrics, voiceSessions } from '../../db/schema.ts';
import { requireScope, type Ctx } from '../context.ts';
import { notFound } from '../errors.ts';
import { isPlausibleId } from '../ids.ts';
import { serializeSessionDetail } from './serialize.ts';

/** The organization's session row, or 404. */
export async function loadSession(db: Db | Tx, orgId: string, id: string, forUpdate = false) {
  if (!isPlausibleId(id)) throw notFound('Voice session');
  const query = db
    .select()
    .from(voiceSessions)
    .where(and(eq(voiceSessions.id, id), eq(voiceSessions.orgId, orgId)));
  const [row] = forUpdate ? await query.for('update') : await query;
  if (!row) throw notFound('Voice session');
  return row;
}

/** `GET /v1/voice/sessions/{id}`: the session with its transcript and per-turn metrics. */
export async function getVoiceSession({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  requireScope(ctx, 'voice:read');
  const session = await loadSession(ctx.db, ctx.orgId, input.id);
  const [transcript, turns] = await Promise.all([
    ctx.db
      .select()
      .from(transcriptEntries)
      .where(eq(transcriptEntries.sessionId, session.id))
      .orderBy(asc(transcriptEntries.seq)),
    ctx.db
      .select()
      .from(turnMetrics)
      .where(eq(turnMetrics.sessionId, session.id))
      .orderBy(asc(turnMetrics.turn)),
  ]);
  return serializeSessionDetail(session, transcript, turns);
}
