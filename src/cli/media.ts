import type { Config } from '../config/index.ts';
import { resolveLiveKit } from '../livekit/credentials.ts';
import { createLogger } from './logger.ts';
import { startEmbeddedMedia } from './services/media.ts';
import { onShutdown } from './shutdown.ts';

/** `parley media`: the embedded media server alone, with the same key pair the API uses. */
export async function mediaCommand(config: Config): Promise<number> {
  const livekit = resolveLiveKit(config);
  if (!livekit.embedded) {
    console.error(
      'LIVEKIT_URL is set: Parley uses that LiveKit server. Unset it to run the embedded media server.',
    );
    return 2;
  }
  const media = await startEmbeddedMedia(config, livekit, createLogger(config.LOG_LEVEL, 'parley-media'));
  console.log(`Parley media server listening on ${media.url} (advertising ${config.publicHost} for media)`);
  await onShutdown(() => media.close());
  return 0;
}
