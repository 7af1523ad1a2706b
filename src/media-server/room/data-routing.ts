import { DataPacket, DataPacket_Kind, UserPacket } from '@livekit/protocol';
import type { SendDataRequest } from '@livekit/protocol';

/** Who sent a packet, as far as routing is concerned. */
export interface DataSender {
  sid: string;
  identity: string;
  isAgent: boolean;
}

/** A DataPacket ready for delivery: its encoding and the identities it is limited to. */
export interface RoutedPacket {
  reliable: boolean;
  bytes: Uint8Array;
  /** Identities to deliver to; undefined means everyone but the sender. */
  destinations: string[] | undefined;
}

/**
 * Validates and rewrites a DataPacket received from a participant, mirroring LiveKit's
 * `handleReceivedDataMessage`: the server stamps the sender's SID and identity (agents may keep an
 * identity they set, since they publish transcriptions on behalf of users), `transcription`
 * packets are accepted only from agents, `metrics` are never forwarded, and the sequence number
 * is kept. Returns undefined for packets that must be dropped; throws on undecodable bytes.
 */
export function routeParticipantPacket(
  sender: DataSender,
  reliable: boolean,
  bytes: Uint8Array,
): RoutedPacket | undefined {
  const packet = DataPacket.fromBinary(bytes);
  const value = packet.value;
  switch (value.case) {
    case undefined:
    case 'metrics':
    case 'speaker':
      return undefined;
    case 'transcription':
      if (!sender.isAgent) return undefined;
      break;
    default:
      break;
  }
  packet.kind = reliable ? DataPacket_Kind.RELIABLE : DataPacket_Kind.LOSSY;
  packet.participantSid = sender.sid;
  if (!(sender.isAgent && packet.participantIdentity)) packet.participantIdentity = sender.identity;
  if (value.case === 'user') {
    value.value.participantSid = sender.sid;
    value.value.participantIdentity = sender.identity;
    if (packet.destinationIdentities.length === 0 && value.value.destinationIdentities.length > 0) {
      packet.destinationIdentities = [...value.value.destinationIdentities];
    }
  }
  const destinations =
    packet.destinationIdentities.length > 0 ? [...packet.destinationIdentities] : undefined;
  return { reliable, bytes: packet.toBinary(), destinations };
}

/** Builds the packet for a server-originated `RoomService.SendData` (no sender). */
export function serverPacket(request: SendDataRequest, identitiesBySid: Map<string, string>): RoutedPacket {
  const destinations = [
    ...request.destinationIdentities,
    ...request.destinationSids.flatMap((sid) => {
      const identity = identitiesBySid.get(sid);
      return identity ? [identity] : [];
    }),
  ];
  const reliable = request.kind !== DataPacket_Kind.LOSSY;
  const user = new UserPacket({
    payload: request.data,
    destinationIdentities: destinations,
    nonce: request.nonce,
  });
  if (request.topic !== undefined) user.topic = request.topic;
  const packet = new DataPacket({
    kind: reliable ? DataPacket_Kind.RELIABLE : DataPacket_Kind.LOSSY,
    destinationIdentities: destinations,
    value: { case: 'user', value: user },
  });
  const restricted = request.destinationIdentities.length > 0 || request.destinationSids.length > 0;
  return { reliable, bytes: packet.toBinary(), destinations: restricted ? destinations : undefined };
}
