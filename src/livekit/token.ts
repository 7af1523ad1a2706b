import { AccessToken } from 'livekit-server-sdk';
import { RoomAgentDispatch, RoomConfiguration } from '@livekit/protocol';

/** The name Parley's worker registers under; session tokens dispatch it explicitly. */
export const AGENT_NAME = 'parley-agent';

export interface LiveKitCredentials {
  url: string;
  apiKey: string;
  apiSecret: string;
}

export interface CallerTokenRequest {
  roomName: string;
  identity: string;
  name?: string;
  ttlSeconds: number;
  /** Dispatch metadata handed to the agent job. */
  sessionId: string;
  attributes?: Record<string, string>;
  kind?: 'standard' | 'sip';
}

/**
 * A caller's token: join, publish, subscribe and data in one room only, with an explicit dispatch of
 * the Parley agent whose metadata carries the session id.
 */
export async function mintCallerToken(creds: LiveKitCredentials, req: CallerTokenRequest): Promise<string> {
  const token = new AccessToken(creds.apiKey, creds.apiSecret, {
    identity: req.identity,
    name: req.name,
    ttl: req.ttlSeconds,
    attributes: req.attributes,
  });
  token.addGrant({
    room: req.roomName,
    roomJoin: true,
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
    canUpdateOwnMetadata: false,
  });
  if (req.kind === 'sip') token.kind = 'sip';
  token.roomConfig = new RoomConfiguration({
    agents: [
      new RoomAgentDispatch({
        agentName: AGENT_NAME,
        metadata: JSON.stringify({ sessionId: req.sessionId }),
      }),
    ],
  });
  return token.toJwt();
}
