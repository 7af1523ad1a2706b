import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import type { MediaServerLogger } from '../logger.ts';
import { errorMessage } from '../logger.ts';
import { rejectUpgrade } from '../signal/rtc-endpoint.ts';
import { tokenFromRequest } from '../tokens.ts';
import type { TokenService } from '../tokens.ts';
import type { AgentDispatcher } from './agent-dispatcher.ts';
import { WorkerConnection } from './worker-connection.ts';

/** Handles the `/agent` upgrade of an agent worker; its token needs the `agent` grant. */
export async function handleAgentUpgrade(
  deps: {
    tokens: TokenService;
    wss: WebSocketServer;
    dispatcher: AgentDispatcher;
    logger: MediaServerLogger;
  },
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  url: URL,
): Promise<void> {
  let apiKey: string;
  try {
    const token = await deps.tokens.verify(tokenFromRequest(url, req.headers.authorization));
    if (!token.video.agent) throw new Error('token has no agent grant');
    apiKey = token.apiKey;
  } catch (err) {
    deps.logger.info({ err: errorMessage(err) }, 'agent worker refused');
    rejectUpgrade(socket, 401, 'Unauthorized', errorMessage(err));
    return;
  }
  deps.wss.handleUpgrade(req, socket, head, (ws) => {
    new WorkerConnection(ws, apiKey, deps.dispatcher, deps.logger);
  });
}
