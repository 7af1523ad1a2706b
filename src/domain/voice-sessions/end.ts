import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { voiceSessions } from '../../db/schema.ts';
import type { RoomControl } from '../../livekit/rooms.ts';
import { requireScope, type Ctx } from '../context.ts';
import { getVoiceSession, loadSession } from './get.ts';

export type EndReason = 'caller_hangup' | 'agent_ended' | 'max_duration' | 'idle_timeout' | 'error' | 'api';

/**
 * Moves a live session to `ended` (or `failed`) once; later calls leave the first outcome in place.
 * Returns true when this call ended it.
 */
export async function finishSession(
  db: Db | Tx,
  sessionId: string,
  outcome: { status: 'ended' | 'failed'; endReason: EndReason; usage?: Record<string, unknown> },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(voiceSessions).where(eq(voiceSessions.id, sessionId)).for('update');
    if (!row || row.status === 'ended' || row.status === 'failed') return false;
    await tx
      .update(voiceSessions)
      .set({
        status: outcome.status,
        endReason: outcome.endReason,
        endedAt: new Date(),
        usage: outcome.usage ?? row.usage,
      })
      .where(eq(voiceSessions.id, sessionId));
    return true;
  });
}

/** `POST /v1/voice/sessions/{id}/end`: ends a live session with `endReason: "api"` and closes its room. */
export async function endVoiceSession({
  ctx,
  rooms,
  input,
}: {
  ctx: Ctx;
  rooms: RoomControl;
  input: { id: string };
}) {
  requireScope(ctx, 'voice:write');
  const session = await loadSession(ctx.db, ctx.orgId, input.id);
  const ended = await finishSession(ctx.db, session.id, { status: 'ended', endReason: 'api' });
  if (ended) {
    // The room closing ends the agent's job and disconnects the caller.
    await rooms.deleteRoom(session.roomName).catch(() => undefined);
  }
  return getVoiceSession({ ctx, input });
}
