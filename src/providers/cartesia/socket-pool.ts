/**
 * The websockets one {@link CartesiaTTS} reuses across turns. Cartesia recommends one long-lived
 * socket for many generations because a new one pays TCP and TLS again, often as much as the
 * audio's own time to first byte.
 */
import { ConnectionPool } from '@livekit/agents';
import { CartesiaSocket, type CartesiaSocketOptions } from './socket.ts';

// Cartesia closes a socket idle for 5 minutes; one unused for 4 is replaced rather than trusted.
const IDLE_REPLACE_MS = 240_000;

/** A pool of open Cartesia websockets: a stream takes one for its lifetime and gives it back. */
export class CartesiaSocketPool {
  readonly #pool: ConnectionPool<CartesiaSocket>;

  constructor(options: Omit<CartesiaSocketOptions, 'timeoutMs' | 'signal'>) {
    this.#pool = new ConnectionPool<CartesiaSocket>({
      connectCb: async (timeoutMs) => {
        const socket = await CartesiaSocket.connect({ ...options, timeoutMs });
        // A socket that closes while idle in the pool leaves it, so no turn starts on a dead one.
        socket.onClose(() => this.#pool.remove(socket));
        return socket;
      },
      closeCb: async (socket) => socket.close(),
      maxSessionDuration: IDLE_REPLACE_MS,
      markRefreshedOnGet: true,
    });
  }

  /** An open socket: an idle pooled one, or a new one (waits for a connect already under way). */
  async acquire(timeoutMs: number): Promise<CartesiaSocket> {
    for (let stale = 0; stale < 4; stale++) {
      const socket = await this.#pool.get(timeoutMs);
      if (socket.isOpen) return socket;
      this.#pool.remove(socket);
    }
    return this.#pool.get(timeoutMs);
  }

  /** Gives a socket back for the next stream, or closes it when it is not clean. */
  release(socket: CartesiaSocket): void {
    if (socket.isOpen && socket.activeContexts === 0) this.#pool.put(socket);
    else this.discard(socket);
  }

  /** Drops a socket that failed or is in an unknown state. */
  discard(socket: CartesiaSocket): void {
    this.#pool.remove(socket);
    socket.terminate();
  }

  /** Opens a socket in the background now, so the first turn does not wait for the handshake. */
  prewarm(): void {
    this.#pool.prewarm();
  }

  /** Closes every socket. */
  close(): Promise<void> {
    return this.#pool.close();
  }
}
