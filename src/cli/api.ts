import type { Config } from '../config/index.ts';
import { openDatabase } from '../db/client.ts';
import { resolveLiveKit } from '../livekit/credentials.ts';
import { createLogger } from './logger.ts';
import { startApi } from './services/api.ts';
import { onShutdown } from './shutdown.ts';

/** `parley api`: the REST API alone (scale-out: many of these behind a load balancer). */
export async function apiCommand(config: Config): Promise<number> {
  const logger = createLogger(config.LOG_LEVEL, 'parley-api');
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
  const livekit = resolveLiveKit(config);
  const api = await startApi({ config, database, livekit, logger });
  console.log(`Parley API listening on ${api.url} (docs: ${api.url}/docs)`);
  await onShutdown(async () => {
    await api.close();
    await database.close();
  });
  return 0;
}
