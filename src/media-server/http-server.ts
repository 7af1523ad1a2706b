import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { AgentDispatcher } from './agents/agent-dispatcher.ts';
import { handleAgentUpgrade } from './agents/agent-endpoint.ts';
import type { MediaServerLogger } from './logger.ts';
import { errorMessage } from './logger.ts';
import type { RoomRegistry } from './room/room-registry.ts';
import { handleRtcUpgrade, rejectUpgrade, verifyJoinToken } from './signal/rtc-endpoint.ts';
import { maxSignalFrameBytes } from './signal/signal-connection.ts';
import type { TokenService } from './tokens.ts';
import { handleTwirp } from './twirp/twirp.ts';
import type { TwirpServices } from './twirp/twirp.ts';

/** What the HTTP front end routes to. */
export interface HttpServerDeps {
  tokens: TokenService;
  rooms: RoomRegistry;
  dispatcher: AgentDispatcher;
  twirp: TwirpServices;
  publicHost: string;
  disableV1: boolean;
  logger: MediaServerLogger;
}

const corsHeaders = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type',
};

/** Body livekit-client must not see in a v1 404, or it would not fall back to v0 (P1). */
const notFoundBody = '404 page not found';

async function handleValidate(
  deps: HttpServerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  try {
    await verifyJoinToken(deps.tokens, url, req.headers.authorization);
    res.writeHead(200, { 'Content-Type': 'text/plain', ...corsHeaders }).end('success');
  } catch (err) {
    res.writeHead(401, { 'Content-Type': 'text/plain', ...corsHeaders }).end(errorMessage(err));
  }
}

/**
 * Creates the HTTP server: `GET /` health, `/rtc[/v1]/validate` (CORS), Twirp under `/twirp`,
 * and WebSocket upgrades on `/rtc`, `/rtc/v1` and `/agent`.
 */
export function createHttpServer(deps: HttpServerDeps): { server: Server; wss: WebSocketServer } {
  const { logger } = deps;
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxSignalFrameBytes });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (req.method === 'OPTIONS') {
      res.writeHead(204, corsHeaders).end();
      return;
    }
    if (path.startsWith('/twirp/')) {
      void handleTwirp(req, res, url, deps.twirp, deps.tokens, logger);
      return;
    }
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('OK');
      return;
    }
    if (path === '/rtc/validate' || (path === '/rtc/v1/validate' && !deps.disableV1)) {
      void handleValidate(deps, req, res, url);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain', ...corsHeaders }).end(notFoundBody);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (err) => logger.debug({ err: errorMessage(err) }, 'upgrade socket error'));
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '');
    const work =
      path === '/rtc'
        ? handleRtcUpgrade({ ...deps, wss }, req, socket, head, url, 'v0')
        : path === '/rtc/v1' && !deps.disableV1
          ? handleRtcUpgrade({ ...deps, wss }, req, socket, head, url, 'v1')
          : path === '/agent'
            ? handleAgentUpgrade({ ...deps, wss }, req, socket, head, url)
            : Promise.resolve(rejectUpgrade(socket, 404, 'Not Found', notFoundBody));
    work.catch((err: unknown) => {
      logger.error({ path, err: errorMessage(err) }, 'upgrade failed');
      if (!socket.destroyed) rejectUpgrade(socket, 500, 'Internal Server Error');
    });
  });
  server.on('clientError', (_err, socket) => {
    if (!socket.destroyed) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  });
  return { server, wss };
}
