import { networkInterfaces } from 'node:os';
import { AccessToken } from 'livekit-server-sdk';
import type { VideoGrant } from 'livekit-server-sdk';
import { startMediaServer } from '../../../src/media-server/index.ts';
import type { MediaServer, MediaServerOptions } from '../../../src/media-server/index.ts';

/** API key pair the test servers accept. */
export const apiKey = 'test-key';
export const apiSecret = 'test-secret-test-secret-test-secret-0123';

/**
 * First non-internal IPv4 address. libwebrtc and Chromium ignore loopback candidates (N1), so
 * media tests need one; throws with a clear message when the machine has none.
 */
export function publicIPv4(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) if (info.family === 'IPv4' && !info.internal) return info.address;
  }
  throw new Error('media tests need a non-loopback IPv4 interface (libwebrtc ignores loopback)');
}

/** Logger that prints when MEDIA_TEST_LOG=1, to debug a failing test. */
const testLogger = process.env.MEDIA_TEST_LOG
  ? {
      info: (o: object, m?: string) => console.log('INFO', m, JSON.stringify(o)),
      warn: (o: object, m?: string) => console.log('WARN', m, JSON.stringify(o)),
      error: (o: object, m?: string) => console.log('ERROR', m, JSON.stringify(o)),
      debug: (o: object, m?: string) => console.log('DEBUG', m, JSON.stringify(o)),
    }
  : undefined;

/** Starts a media server on a random port, bound to loopback, advertising the public IPv4. */
export async function startTestServer(overrides: Partial<MediaServerOptions> = {}): Promise<MediaServer> {
  return startMediaServer({
    port: 0,
    host: '127.0.0.1',
    publicHost: publicIPv4(),
    keys: { [apiKey]: apiSecret },
    ...(testLogger ? { logger: testLogger } : {}),
    ...overrides,
  });
}

/** A participant token for `room` with full media permissions unless `grant` overrides them. */
export async function joinToken(
  room: string,
  identity: string,
  options: {
    grant?: Partial<VideoGrant>;
    kind?: 'agent' | 'standard';
    configure?: (at: AccessToken) => void;
  } = {},
): Promise<string> {
  const at = new AccessToken(apiKey, apiSecret, { identity, name: identity, ttl: '10m' });
  if (options.kind) at.kind = options.kind;
  at.addGrant({
    roomJoin: true,
    room,
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
    canUpdateOwnMetadata: true,
    ...options.grant,
  });
  options.configure?.(at);
  return at.toJwt();
}

/** Unique room name per test, so tests in one server never interfere. */
export function roomName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}
