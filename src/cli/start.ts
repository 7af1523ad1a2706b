import type { Config } from '../config/index.ts';
import { openDatabase } from '../db/client.ts';
import { resolveLiveKit } from '../livekit/credentials.ts';
import { POCKETSPHINX_INSTALL_HINT, probeLocalRuntime } from '../providers/local-runtime.ts';
import { createLogger } from './logger.ts';
import { startApi } from './services/api.ts';
import { ensureDevKey } from './services/dev-key.ts';
import { startEmbeddedMedia, type RunningMedia } from './services/media.ts';
import { onShutdown } from './shutdown.ts';
import { startWorker } from '../worker/server.ts';
import { sipBannerLine, startSipFromConfig } from '../sip/index.ts';

/** `parley start`: the whole platform in one process tree, offline by default. */
export async function startCommand(config: Config): Promise<number> {
  const logger = createLogger(config.LOG_LEVEL, 'parley');
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
  let livekit = resolveLiveKit(config);
  let media: RunningMedia | undefined;
  if (livekit.embedded) {
    media = await startEmbeddedMedia(config, livekit, logger);
    // MEDIA_PORT=0 picks a free port: advertise the one we got.
    livekit = { ...livekit, url: livekit.url.replace(/:\d+$/, `:${media.port}`) };
  }
  const api = await startApi({
    config,
    database,
    livekit,
    logger: logger.child({ component: 'api' }),
    health: async () => ({
      media: livekit.embedded ? (media ? 'ok' : 'down') : 'external',
      worker: worker ? 'ok' : 'external',
    }),
  });
  const worker = config.START_WORKER ? await startWorker({ livekit, logLevel: config.LOG_LEVEL }) : undefined;
  // SIP_PORT=0 picks a free port (tests); the banner shows the one in use.
  const sip = await startSipFromConfig({
    config,
    database,
    livekit,
    logger: logger.child({ component: 'sip' }),
  });
  const dev = database.mode === 'pglite' ? await ensureDevKey(database.db, config.dataDir) : undefined;
  const runtime = probeLocalRuntime();

  const lines = [
    '',
    'Parley is running.',
    `  API         ${api.url}`,
    `  Docs        ${api.url}/docs`,
    `  Playground  ${api.url}/playground`,
    `  Media       ${livekit.url}${livekit.embedded ? ' (embedded LiveKit-compatible server)' : ' (external LiveKit)'}`,
    `  Worker      ${config.START_WORKER ? 'parley-agent (offline speech: flite, pocketsphinx, rules)' : 'not started here (START_WORKER=false; run parley worker)'}`,
    sipBannerLine(config, sip.port),
    `  Database    ${database.mode === 'pglite' ? `PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)'}`,
  ];
  if (dev) lines.push(`  API key     ${dev.key}   (development org${dev.created ? ', new' : ''})`);
  else lines.push('  API key     create one with: parley keys create --org <name> --name <label>');
  if (runtime.pocketsphinxMissing) {
    lines.push(
      '',
      `  Offline speech-to-text is unavailable: ${runtime.pocketsphinxMissing}`,
      `  Install it with: ${POCKETSPHINX_INSTALL_HINT}`,
    );
  }
  lines.push('', `  Try: curl -H "x-api-key: ${dev?.key ?? '<key>'}" ${api.url}/v1/voice/voices`, '');
  console.log(lines.join('\n'));

  await onShutdown(async () => {
    await sip.close();
    await api.close();
    await worker?.close();
    await media?.close();
    await database.close();
  });
  return 0;
}
