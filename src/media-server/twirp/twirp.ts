import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Message, MessageType } from '@bufbuild/protobuf';
import type { MediaServerLogger } from '../logger.ts';
import { errorMessage } from '../logger.ts';
import { InvalidTokenError, bearerToken } from '../tokens.ts';
import type { TokenService, VerifiedToken } from '../tokens.ts';

/** Twirp error codes (https://twitchtv.github.io/twirp/docs/spec_v7.html#error-codes) used here. */
export type TwirpCode =
  | 'invalid_argument'
  | 'malformed'
  | 'not_found'
  | 'bad_route'
  | 'already_exists'
  | 'permission_denied'
  | 'unauthenticated'
  | 'resource_exhausted'
  | 'failed_precondition'
  | 'unimplemented'
  | 'internal';

const statusByCode: Record<TwirpCode, number> = {
  invalid_argument: 400,
  malformed: 400,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  permission_denied: 403,
  unauthenticated: 401,
  resource_exhausted: 429,
  failed_precondition: 412,
  unimplemented: 501,
  internal: 500,
};

/** An error answered in Twirp's JSON error format. */
export class TwirpError extends Error {
  constructor(
    readonly code: TwirpCode,
    message: string,
  ) {
    super(message);
  }
}

/** One RPC: its request type and handler. The handler receives the caller's verified token. */
export interface TwirpMethod {
  input: MessageType;
  handle(request: Message, caller: VerifiedToken): Promise<Message> | Message;
}

/** Declares a method with a typed request (the cast is safe: `input` parses the request). */
export function twirpMethod<T extends Message<T>>(
  input: MessageType<T>,
  handle: (request: T, caller: VerifiedToken) => Promise<Message> | Message,
): TwirpMethod {
  return { input: input as unknown as MessageType, handle: handle as TwirpMethod['handle'] };
}

/** Services by fully qualified name (`livekit.RoomService`), then methods by name. */
export type TwirpServices = Record<string, Record<string, TwirpMethod>>;

/** Services LiveKit has but this server does not emulate: every call answers `unimplemented`. */
const unimplementedServices = new Set([
  'livekit.SIP',
  'livekit.Egress',
  'livekit.Ingress',
  'livekit.Connector',
]);

const maxBodyBytes = 1024 * 1024;

/** Writes a Twirp error. The Content-Type must be exactly `application/json` (P10). */
export function writeTwirpError(res: ServerResponse, error: TwirpError): void {
  res.writeHead(statusByCode[error.code], { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ code: error.code, msg: error.message }));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBodyBytes) throw new TwirpError('resource_exhausted', 'request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Serves `POST /twirp/<service>/<method>` with JSON or protobuf bodies. */
export async function handleTwirp(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  services: TwirpServices,
  tokens: TokenService,
  logger: MediaServerLogger,
): Promise<void> {
  const [, , serviceName = '', methodName = ''] = url.pathname.split('/');
  try {
    if (req.method !== 'POST') throw new TwirpError('bad_route', `unsupported method ${req.method ?? ''}`);
    if (unimplementedServices.has(serviceName)) {
      throw new TwirpError('unimplemented', `${serviceName} is not supported by this server`);
    }
    const method = services[serviceName]?.[methodName];
    if (!method) throw new TwirpError('bad_route', `no handler for path ${url.pathname}`);
    let caller: VerifiedToken;
    try {
      caller = await tokens.verify(bearerToken(req.headers.authorization));
    } catch (err) {
      throw new TwirpError(
        'unauthenticated',
        err instanceof InvalidTokenError ? err.message : 'invalid token',
      );
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    const binary = contentType === 'application/protobuf';
    if (!binary && contentType !== 'application/json') {
      throw new TwirpError('bad_route', `unexpected Content-Type: ${contentType ?? ''}`);
    }
    const body = await readBody(req);
    let request: Message;
    try {
      request = binary
        ? method.input.fromBinary(body)
        : method.input.fromJsonString(body.length ? body.toString('utf8') : '{}', {
            ignoreUnknownFields: true,
          });
    } catch (err) {
      throw new TwirpError('malformed', `could not decode request: ${errorMessage(err)}`);
    }
    const response = await method.handle(request, caller);
    if (binary) {
      res.writeHead(200, { 'Content-Type': 'application/protobuf' }).end(response.toBinary());
    } else {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(response.toJsonString());
    }
  } catch (err) {
    if (err instanceof TwirpError) {
      logger.debug({ path: url.pathname, code: err.code, msg: err.message }, 'twirp error');
      writeTwirpError(res, err);
    } else {
      logger.error({ path: url.pathname, err: errorMessage(err) }, 'twirp handler failed');
      writeTwirpError(res, new TwirpError('internal', 'internal error'));
    }
  }
}

/** Throws `permission_denied` unless the caller holds `grant` (and, if given, for `room`). */
export function requireGrant(
  caller: VerifiedToken,
  grant: 'roomCreate' | 'roomList' | 'roomAdmin',
  room?: string,
): void {
  if (!caller.video[grant]) throw new TwirpError('permission_denied', `requires ${grant} permission`);
  if (room !== undefined && caller.video.room !== room) {
    throw new TwirpError('permission_denied', `requires ${grant} permission for room ${room}`);
  }
}
