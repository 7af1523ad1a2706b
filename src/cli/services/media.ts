import type { Logger } from 'pino';
import type { Config } from '../../config/index.ts';
import type { LiveKitTarget } from '../../livekit/credentials.ts';

export interface RunningMedia {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the embedded LiveKit-compatible media server with the resolved key pair. */
export async function startEmbeddedMedia(
  config: Config,
  livekit: LiveKitTarget,
  logger: Logger,
): Promise<RunningMedia> {
  const { startMediaServer } = await import('../../media-server/index.ts');
  const server = await startMediaServer({
    port: config.MEDIA_PORT,
    host: config.MEDIA_HOST,
    publicHost: config.publicHost,
    keys: { [livekit.apiKey]: livekit.apiSecret },
    logger: logger.child({ component: 'media' }),
  });
  return { url: server.url, port: server.port, close: () => server.close() };
}
