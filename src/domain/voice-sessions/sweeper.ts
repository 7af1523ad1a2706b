import type { Db } from '../../db/client.ts';
import { failStaleSessions } from './record.ts';

/** A session whose worker has been silent this long is failed (heartbeats come every 5 s). */
export const STALE_AFTER_MS = 15_000;

/**
 * Periodically fails sessions whose worker died mid-call, so they end within 30 s with their
 * transcript intact. Any number of API processes may run it; the update is idempotent.
 */
export function startSessionSweeper(
  db: Db,
  onFailed: (ids: string[]) => void,
  intervalMs = 5_000,
): () => void {
  const timer = setInterval(() => {
    failStaleSessions(db, STALE_AFTER_MS).then(
      (ids) => ids.length && onFailed(ids),
      () => undefined,
    );
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
