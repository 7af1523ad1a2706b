import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/index.ts';
import type { LiveKitCredentials } from './token.ts';

/** Where LiveKit is and how to sign for it, plus whether Parley must run the embedded server. */
export interface LiveKitTarget extends LiveKitCredentials {
  embedded: boolean;
}

function dataDirKeyPair(dataDir: string): { apiKey: string; apiSecret: string } {
  const path = join(dataDir, 'livekit-keys.json');
  if (existsSync(path))
    return JSON.parse(readFileSync(path, 'utf8')) as { apiKey: string; apiSecret: string };
  mkdirSync(dataDir, { recursive: true });
  const pair = {
    apiKey: `API${randomBytes(6).toString('hex')}`,
    apiSecret: randomBytes(32).toString('base64url'),
  };
  try {
    writeFileSync(path, JSON.stringify(pair), { flag: 'wx', mode: 0o600 });
    return pair;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return dataDirKeyPair(dataDir);
    throw err;
  }
}

/**
 * `LIVEKIT_URL` with its key pair when set; otherwise the embedded media server on `MEDIA_PORT`, with
 * the pair from `LIVEKIT_API_KEY`/`LIVEKIT_API_SECRET` or one generated and kept in the data dir. The
 * API, worker and SIP gateway all call this, so nothing is copied by hand.
 */
export function resolveLiveKit(config: Config): LiveKitTarget {
  if (config.LIVEKIT_URL) {
    return {
      url: config.LIVEKIT_URL,
      apiKey: config.LIVEKIT_API_KEY!,
      apiSecret: config.LIVEKIT_API_SECRET!,
      embedded: false,
    };
  }
  const pair =
    config.LIVEKIT_API_KEY && config.LIVEKIT_API_SECRET
      ? { apiKey: config.LIVEKIT_API_KEY, apiSecret: config.LIVEKIT_API_SECRET }
      : dataDirKeyPair(config.dataDir);
  const host = config.PARLEY_PUBLIC_HOST ?? '127.0.0.1';
  return { url: `ws://${host}:${config.MEDIA_PORT}`, ...pair, embedded: true };
}
