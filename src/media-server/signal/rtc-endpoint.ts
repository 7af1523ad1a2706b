import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  DisconnectReason,
  JoinResponse,
  LeaveRequest,
  LeaveRequest_Action,
  ParticipantInfo_State,
} from '@livekit/protocol';
import type { WebSocketServer } from 'ws';
import type { MediaServerLogger } from '../logger.ts';
import { errorMessage, withFields } from '../logger.ts';
import { Participant } from '../room/participant.ts';
import type { RoomRegistry } from '../room/room-registry.ts';
import { serverInfo, serverVersion } from '../server-info.ts';
import { InvalidTokenError, tokenFromRequest } from '../tokens.ts';
import type { TokenService, VerifiedToken } from '../tokens.ts';
import { parseV0JoinParams, parseV1JoinParams } from './join-params.ts';
import type { JoinParams } from './join-params.ts';
import { SignalConnection } from './signal-connection.ts';

/** Everything the `/rtc` and `/rtc/v1` endpoints need. */
export interface RtcEndpointDeps {
  tokens: TokenService;
  rooms: RoomRegistry;
  wss: WebSocketServer;
  publicHost: string;
  logger: MediaServerLogger;
}

/** Answers a failed upgrade with a plain HTTP status (clients read 401/404 to decide what to do). */
export function rejectUpgrade(socket: Duplex, status: number, reason: string, body = reason): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Checks a join token: valid signature, roomJoin and a room. Throws InvalidTokenError. */
export async function verifyJoinToken(
  tokens: TokenService,
  url: URL,
  authorization: string | undefined,
): Promise<VerifiedToken> {
  const token = await tokens.verify(tokenFromRequest(url, authorization));
  if (!token.video.roomJoin || !token.video.room)
    throw new InvalidTokenError('token has no roomJoin grant for a room');
  if (!token.identity) throw new InvalidTokenError('token has no identity');
  return token;
}

/**
 * Handles a signalling upgrade on `/rtc` (v0) or `/rtc/v1` (v1): authenticates before upgrading
 * (401 on a bad token), decodes the join parameters (400 when malformed), then joins the room.
 */
export async function handleRtcUpgrade(
  deps: RtcEndpointDeps,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  url: URL,
  version: 'v0' | 'v1',
): Promise<void> {
  const { logger } = deps;
  let token: VerifiedToken;
  try {
    token = await verifyJoinToken(deps.tokens, url, req.headers.authorization);
  } catch (err) {
    logger.info({ path: url.pathname, err: errorMessage(err) }, 'signal connection refused');
    rejectUpgrade(socket, 401, 'Unauthorized', errorMessage(err));
    return;
  }
  let params: JoinParams;
  try {
    params = version === 'v1' ? parseV1JoinParams(url) : parseV0JoinParams(url);
  } catch (err) {
    logger.info({ path: url.pathname, err: errorMessage(err) }, 'malformed join request');
    rejectUpgrade(socket, 400, 'Bad Request', `malformed join request: ${errorMessage(err)}`);
    return;
  }
  const roomName = token.video.room ?? '';
  const existing = deps.rooms.get(roomName);
  if (existing && !existing.hasCapacity()) {
    rejectUpgrade(socket, 403, 'Forbidden', 'room is full');
    return;
  }
  deps.wss.handleUpgrade(req, socket, head, (ws) => {
    const signal = new SignalConnection(ws, withFields(logger, { participant: token.identity }));
    if (params.reconnect) {
      // Resuming is not supported (P9): ask for a full reconnect instead.
      signal.send({
        case: 'leave',
        value: new LeaveRequest({
          canReconnect: true,
          reason: DisconnectReason.STATE_MISMATCH,
          action: LeaveRequest_Action.RECONNECT,
        }),
      });
      signal.close('resume refused');
      return;
    }
    join(deps, signal, token, params);
  });
}

function join(
  deps: RtcEndpointDeps,
  signal: SignalConnection,
  token: VerifiedToken,
  params: JoinParams,
): void {
  const roomName = token.video.room ?? '';
  const config = token.roomConfig;
  const room = deps.rooms.getOrCreate(roomName, {
    emptyTimeoutSeconds: config?.emptyTimeout ?? 0,
    maxParticipants: config?.maxParticipants ?? 0,
    metadata: config?.metadata ?? '',
    agents: config?.agents ?? [],
  });
  const participant = new Participant(room, signal, token, params, deps.publicHost, deps.logger);
  const others = room.others(participant).map((p) => p.info());
  room.add(participant);
  participant.state = ParticipantInfo_State.JOINED;
  signal.send({
    case: 'join',
    value: new JoinResponse({
      room: room.info(),
      participant: participant.info(),
      otherParticipants: others,
      serverVersion,
      serverInfo: serverInfo(),
      subscriberPrimary: params.protocolVersion === 'v0',
      pingInterval: 5,
      pingTimeout: 15,
      iceServers: [],
    }),
  });
  room.broadcastParticipant(participant, false);
  signal.listen(
    (request) => participant.handle(request),
    (reason) => room.leave(participant, reason),
  );
  deps.logger.info(
    {
      room: room.name,
      participant: participant.identity,
      sid: participant.sid,
      protocol: params.protocolVersion,
      sdk: params.sdk,
    },
    'participant joined',
  );
  void participant
    .start()
    .then(() => room.subscribeToExisting(participant))
    .catch((err: unknown) => signal.close(`media setup failed: ${errorMessage(err)}`));
}
