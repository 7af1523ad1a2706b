import { SignJWT, decodeJwt, jwtVerify } from 'jose';
import { ParticipantInfo_Kind, RoomConfiguration } from '@livekit/protocol';

/** The LiveKit `video` grant of an access token (camelCase, as livekit-server-sdk writes it). */
export interface VideoGrant {
  room?: string;
  roomJoin?: boolean;
  roomCreate?: boolean;
  roomList?: boolean;
  roomAdmin?: boolean;
  roomRecord?: boolean;
  canPublish?: boolean;
  canSubscribe?: boolean;
  canPublishData?: boolean;
  canUpdateOwnMetadata?: boolean;
  hidden?: boolean;
  agent?: boolean;
}

/** What a verified access token says about its bearer. */
export interface VerifiedToken {
  /** The API key that signed the token (`iss`). */
  apiKey: string;
  /** Participant identity (`sub`); empty for server API tokens. */
  identity: string;
  name: string;
  metadata: string;
  attributes: Record<string, string>;
  kind: ParticipantInfo_Kind;
  video: VideoGrant;
  /** Room configuration embedded by `AccessToken.roomConfig`, e.g. agents to dispatch. */
  roomConfig?: RoomConfiguration;
}

/** Raised when a token is missing, malformed, expired, or signed with an unknown key. */
export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
}

const kindsByName: Record<string, ParticipantInfo_Kind> = {
  standard: ParticipantInfo_Kind.STANDARD,
  ingress: ParticipantInfo_Kind.INGRESS,
  egress: ParticipantInfo_Kind.EGRESS,
  sip: ParticipantInfo_Kind.SIP,
  agent: ParticipantInfo_Kind.AGENT,
};

const kindNames = new Map(Object.entries(kindsByName).map(([name, kind]) => [kind, name]));

function asString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function asStringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}

function asGrant(value: unknown): VideoGrant {
  if (!value || typeof value !== 'object') return {};
  const grant: VideoGrant = {};
  const src = value as Record<string, unknown>;
  if (typeof src.room === 'string') grant.room = src.room;
  for (const key of [
    'roomJoin',
    'roomCreate',
    'roomList',
    'roomAdmin',
    'roomRecord',
    'canPublish',
    'canSubscribe',
    'canPublishData',
    'canUpdateOwnMetadata',
    'hidden',
    'agent',
  ] as const) {
    if (typeof src[key] === 'boolean') grant[key] = src[key];
  }
  return grant;
}

/** Verifies HS256 access tokens against the configured API key pairs and mints job tokens. */
export class TokenService {
  private readonly secrets: Map<string, Uint8Array>;

  constructor(keys: Record<string, string>) {
    this.secrets = new Map(
      Object.entries(keys).map(([key, secret]) => [key, new TextEncoder().encode(secret)]),
    );
  }

  /** Verifies signature, expiry and issuer; throws {@link InvalidTokenError} otherwise. */
  async verify(token: string | undefined): Promise<VerifiedToken> {
    if (!token) throw new InvalidTokenError('missing access token');
    let issuer: string;
    try {
      issuer = asString(decodeJwt(token).iss);
    } catch {
      throw new InvalidTokenError('malformed access token');
    }
    const secret = this.secrets.get(issuer);
    if (!secret) throw new InvalidTokenError('unknown API key');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], clockTolerance: 5 }));
    } catch (err) {
      throw new InvalidTokenError(`token rejected: ${err instanceof Error ? err.message : 'invalid'}`);
    }
    let roomConfig: RoomConfiguration | undefined;
    if (payload.roomConfig && typeof payload.roomConfig === 'object') {
      try {
        roomConfig = RoomConfiguration.fromJson(payload.roomConfig as never, { ignoreUnknownFields: true });
      } catch {
        throw new InvalidTokenError('malformed roomConfig claim');
      }
    }
    const verified: VerifiedToken = {
      apiKey: issuer,
      identity: asString(payload.sub),
      name: asString(payload.name),
      metadata: asString(payload.metadata),
      attributes: asStringRecord(payload.attributes),
      kind: kindsByName[asString(payload.kind)] ?? ParticipantInfo_Kind.STANDARD,
      video: asGrant(payload.video),
    };
    if (roomConfig) verified.roomConfig = roomConfig;
    return verified;
  }

  /** True when `apiKey` is one of the configured keys. */
  hasKey(apiKey: string): boolean {
    return this.secrets.has(apiKey);
  }

  /**
   * Mints a participant token signed with `apiKey`'s secret, the way LiveKit's `BuildAgentToken`
   * does for agent jobs (kind `agent`, one hour).
   */
  async mint(
    apiKey: string,
    claims: {
      identity: string;
      name?: string;
      metadata?: string;
      attributes?: Record<string, string>;
      kind: ParticipantInfo_Kind;
      video: VideoGrant;
    },
  ): Promise<string> {
    const secret = this.secrets.get(apiKey);
    if (!secret) throw new InvalidTokenError('unknown API key');
    return new SignJWT({
      name: claims.name ?? '',
      metadata: claims.metadata ?? '',
      attributes: claims.attributes ?? {},
      kind: kindNames.get(claims.kind) ?? 'standard',
      video: claims.video,
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(apiKey)
      .setSubject(claims.identity)
      .setNotBefore(Math.floor(Date.now() / 1000) - 5)
      .setExpirationTime('1h')
      .sign(secret);
  }
}

/** Reads the token of an `Authorization: Bearer <token>` header. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  return match?.[1]?.trim();
}

/** Reads a token from `?access_token=` (livekit-client) or the Authorization header (rtc-node, agents). */
export function tokenFromRequest(url: URL, authorization: string | undefined): string | undefined {
  return url.searchParams.get('access_token') || bearerToken(authorization);
}
