import type pg from 'pg';
import { forgetKey, REVOCATION_CHANNEL } from '../../domain/api-keys/authenticate.ts';

/**
 * Listens for key revocations made by other processes sharing the database, so a revoked key stops
 * working everywhere at once rather than when the authentication cache expires. Returns a stopper.
 */
export async function listenForRevocations(
  pool: pg.Pool,
  onError: (err: Error) => void,
): Promise<() => Promise<void>> {
  let client: pg.PoolClient | undefined;
  let stopped = false;
  const connect = async () => {
    try {
      client = await pool.connect();
      client.on('notification', (n) => {
        if (n.channel === REVOCATION_CHANNEL && n.payload) forgetKey(n.payload);
      });
      client.on('error', (err) => {
        onError(err);
        client?.release(err);
        client = undefined;
        if (!stopped) setTimeout(() => void connect(), 1000).unref();
      });
      await client.query(`listen ${REVOCATION_CHANNEL}`);
    } catch (err) {
      onError(err as Error);
    }
  };
  await connect();
  return async () => {
    stopped = true;
    if (client) {
      await client.query(`unlisten ${REVOCATION_CHANNEL}`).catch(() => undefined);
      client.release();
    }
  };
}
