/**
 * Parley's embedded LiveKit-compatible media server: LiveKit signalling (v0 `/rtc` and v1
 * `/rtc/v1`), Opus forwarding through werift, data packets, Twirp RoomService and
 * AgentDispatchService, and the `/agent` worker protocol. See README.md in this folder.
 */
import type { AddressInfo } from 'node:net';
import { AgentDispatcher } from './agents/agent-dispatcher.ts';
import { createHttpServer } from './http-server.ts';
import type { MediaServerLogger } from './logger.ts';
import { silentLogger } from './logger.ts';
import { RoomRegistry } from './room/room-registry.ts';
import { TokenService } from './tokens.ts';
import { agentDispatchService } from './twirp/agent-dispatch-service.ts';
import { roomService } from './twirp/room-service.ts';

export type { MediaServerLogger } from './logger.ts';

/** Configuration of {@link startMediaServer}. */
export interface MediaServerOptions {
  /** Port for HTTP and WebSocket signalling; 0 picks a free port. */
  port: number;
  /** Bind address for signalling; default `0.0.0.0`. */
  host?: string;
  /**
   * Non-loopback address advertised in ICE candidates (libwebrtc and Chromium ignore loopback,
   * pitfall N1), e.g. the eth0 IPv4. Media sockets bind to it when it is a local address.
   */
  publicHost: string;
  /** API key → API secret (HS256). */
  keys: Record<string, string>;
  /** pino-compatible logger; silent by default. */
  logger?: MediaServerLogger;
  /**
   * Seconds a room lives with nobody in it (after the last participant leaves, or after
   * CreateRoom with no joiner), unless the room sets its own. Default 20, LiveKit's departure timeout.
   */
  emptyTimeoutSeconds?: number;
  /** Answer 404 on `/rtc/v1` so clients fall back to v0 (tests). */
  disableV1?: boolean;
}

/** A running media server. */
export interface MediaServer {
  /** `ws://host:port`, what LiveKit SDKs take as the server URL. */
  url: string;
  port: number;
  /** Disconnects everyone, closes all rooms and workers, and stops listening. */
  close(): Promise<void>;
}

/** Starts the media server; resolves once it listens. */
export async function startMediaServer(opts: MediaServerOptions): Promise<MediaServer> {
  const logger = opts.logger ?? silentLogger;
  const host = opts.host ?? '0.0.0.0';
  const tokens = new TokenService(opts.keys);
  const rooms = new RoomRegistry(opts.emptyTimeoutSeconds ?? 20, logger);
  const dispatcher = new AgentDispatcher(tokens, logger);
  rooms.setListener(dispatcher);
  const { server, wss } = createHttpServer({
    tokens,
    rooms,
    dispatcher,
    publicHost: opts.publicHost,
    disableV1: opts.disableV1 ?? false,
    logger,
    twirp: {
      'livekit.RoomService': roomService(rooms),
      'livekit.AgentDispatchService': agentDispatchService(rooms, dispatcher),
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  logger.info({ host, port, publicHost: opts.publicHost, v1: !opts.disableV1 }, 'media server listening');
  let closing: Promise<void> | undefined;
  return {
    url: `ws://${urlHost}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        rooms.closeAll();
        dispatcher.closeAll();
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}
