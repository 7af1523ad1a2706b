import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import type { ProviderServices } from '../domain/providers/services.ts';
import type { SessionDeps } from '../domain/voice-sessions/create.ts';
import type { RoomControl } from '../livekit/rooms.ts';
import type { SecretCipher } from '../secrets/cipher.ts';

/** Everything the API's routes need, built once by the entry point. */
export interface ApiDeps {
  database: Database;
  cipher: SecretCipher;
  sessions: SessionDeps;
  rooms: RoomControl;
  /** Provider account calls (credential checks, voice libraries) and the live voice caches. */
  providers: ProviderServices;
  rateLimit: { max: number; windowSeconds: number };
  logger?: Logger;
  /** Health of the other components, reported by `GET /healthz`. */
  health?: () => Promise<Record<string, unknown>>;
}
