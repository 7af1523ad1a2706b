import { ServerInfo, ServerInfo_Edition } from '@livekit/protocol';

/**
 * Version reported to clients. livekit-client refuses servers without one (P3); SDKs gate
 * features on it, so it mirrors a LiveKit release with the features emulated here.
 */
export const serverVersion = '1.9.0';

/** ServerInfo sent in every JoinResponse. */
export function serverInfo(): ServerInfo {
  return new ServerInfo({
    edition: ServerInfo_Edition.Standard,
    version: serverVersion,
    protocol: 16,
    nodeId: 'ND_parley',
    region: 'local',
    agentProtocol: 1,
  });
}
