import type { Config } from '../config/index.ts';
import { openDatabase } from '../db/client.ts';
import { resolveLiveKit } from '../livekit/credentials.ts';
import { startWorker } from '../worker/server.ts';
import { onShutdown } from './shutdown.ts';

/** `parley worker`: the agent worker alone (scale-out: many of these register with LiveKit). */
export async function workerCommand(config: Config): Promise<number> {
  // Opening the database first makes this process serve the embedded one if nothing else does,
  // so its job processes can reach it.
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
  const livekit = resolveLiveKit(config);
  const worker = await startWorker({ livekit, logLevel: config.LOG_LEVEL });
  console.log(`Parley agent worker registered with ${livekit.url} as parley-agent`);
  await onShutdown(async () => {
    await worker.close();
    await database.close();
  });
  return 0;
}
