import type { Logger } from 'pino';
import { buildApp } from '../../api/app.ts';
import type { ApiDeps } from '../../api/deps.ts';
import type { Config } from '../../config/index.ts';
import type { Database } from '../../db/client.ts';
import { roomControl } from '../../livekit/rooms.ts';
import type { LiveKitTarget } from '../../livekit/credentials.ts';
import { LiveVoices } from '../../domain/providers/live-voices.ts';
import { accountOf } from '../../providers/accounts.ts';
import { probeLocalRuntime } from '../../providers/local-runtime.ts';
import { loadSecretKey, SecretCipher } from '../../secrets/cipher.ts';
import { startSessionSweeper } from '../../domain/voice-sessions/sweeper.ts';

export interface RunningApi {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Builds the API's dependencies from the config and starts it listening. */
export async function startApi(opts: {
  config: Config;
  database: Database;
  livekit: LiveKitTarget;
  logger: Logger;
  health?: ApiDeps['health'];
}): Promise<RunningApi> {
  const { config, database, livekit, logger } = opts;
  const cipher = new SecretCipher(loadSecretKey(config.dataDir, config.PARLEY_SECRET_KEY));
  const app = await buildApp({
    database,
    cipher,
    providers: { account: accountOf, liveVoices: new LiveVoices({ cipher, account: accountOf }) },
    sessions: { livekit, tokenTtlSeconds: config.SESSION_TOKEN_TTL_SECONDS, runtime: probeLocalRuntime() },
    rooms: roomControl(livekit),
    rateLimit: { max: config.RATE_LIMIT_MAX, windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS },
    logger,
    health: opts.health,
  });
  const stopSweeper = startSessionSweeper(database.db, (ids) =>
    logger.warn({ sessionIds: ids }, 'sessions failed: their worker stopped responding'),
  );
  app.addHook('onClose', async () => stopSweeper());
  await app.listen({ port: config.PORT, host: config.HOST });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  return { url: `http://localhost:${port}`, port, close: () => app.close() };
}
