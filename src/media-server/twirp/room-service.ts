import {
  CreateRoomRequest,
  DeleteRoomRequest,
  DeleteRoomResponse,
  DisconnectReason,
  ListParticipantsRequest,
  ListParticipantsResponse,
  ListRoomsRequest,
  ListRoomsResponse,
  MuteRoomTrackRequest,
  MuteRoomTrackResponse,
  RemoveParticipantResponse,
  RoomParticipantIdentity,
  SendDataRequest,
  SendDataResponse,
  UpdateParticipantRequest,
  UpdateRoomMetadataRequest,
  UpdateSubscription,
  UpdateSubscriptionsRequest,
  UpdateSubscriptionsResponse,
} from '@livekit/protocol';
import type { Participant } from '../room/participant.ts';
import type { Room } from '../room/room.ts';
import type { RoomRegistry } from '../room/room-registry.ts';
import { TwirpError, requireGrant, twirpMethod } from './twirp.ts';
import type { TwirpMethod } from './twirp.ts';

function roomOrThrow(rooms: RoomRegistry, name: string): Room {
  const room = rooms.get(name);
  if (!room) throw new TwirpError('not_found', 'requested room does not exist');
  return room;
}

function participantOrThrow(room: Room, identity: string): Participant {
  const participant = room.participants.get(identity);
  if (!participant) throw new TwirpError('not_found', 'participant does not exist');
  return participant;
}

const unimplemented = (name: string): TwirpMethod =>
  twirpMethod(RoomParticipantIdentity, () => {
    throw new TwirpError('unimplemented', `${name} is not supported by this server`);
  });

/** `livekit.RoomService`, with LiveKit's grant rules (roomCreate, roomList, roomAdmin + room). */
export function roomService(rooms: RoomRegistry): Record<string, TwirpMethod> {
  return {
    CreateRoom: twirpMethod(CreateRoomRequest, (req, caller) => {
      requireGrant(caller, 'roomCreate');
      if (!req.name) throw new TwirpError('invalid_argument', 'room name is required');
      return rooms
        .getOrCreate(req.name, {
          emptyTimeoutSeconds: req.emptyTimeout,
          maxParticipants: req.maxParticipants,
          metadata: req.metadata,
          agents: req.agents,
        })
        .info();
    }),
    ListRooms: twirpMethod(ListRoomsRequest, (req, caller) => {
      requireGrant(caller, 'roomList');
      return new ListRoomsResponse({ rooms: rooms.list(req.names).map((r) => r.info()) });
    }),
    DeleteRoom: twirpMethod(DeleteRoomRequest, (req, caller) => {
      requireGrant(caller, 'roomCreate');
      if (!rooms.delete(req.room)) throw new TwirpError('not_found', 'requested room does not exist');
      return new DeleteRoomResponse();
    }),
    UpdateRoomMetadata: twirpMethod(UpdateRoomMetadataRequest, (req, caller) => {
      requireGrant(caller, 'roomAdmin', req.room);
      const room = roomOrThrow(rooms, req.room);
      room.setMetadata(req.metadata);
      return room.info();
    }),
    ListParticipants: twirpMethod(ListParticipantsRequest, (req, caller) => {
      requireGrant(caller, 'roomAdmin', req.room);
      const room = roomOrThrow(rooms, req.room);
      return new ListParticipantsResponse({
        participants: [...room.participants.values()].map((p) => p.info()),
      });
    }),
    GetParticipant: twirpMethod(RoomParticipantIdentity, (req, caller) => {
      requireGrant(caller, 'roomAdmin', req.room);
      return participantOrThrow(roomOrThrow(rooms, req.room), req.identity).info();
    }),
    RemoveParticipant: twirpMethod(RoomParticipantIdentity, (req, caller) => {
      requireGrant(caller, 'roomAdmin', req.room);
      const participant = participantOrThrow(roomOrThrow(rooms, req.room), req.identity);
      participant.disconnect(DisconnectReason.PARTICIPANT_REMOVED);
      return new RemoveParticipantResponse();
    }),
    UpdateParticipant: twirpMethod(UpdateParticipantRequest, (req, caller) => {
      requireGrant(caller, 'roomAdmin', req.room);
      const room = roomOrThrow(rooms, req.room);
      const participant = participantOrThrow(room, req.identity);
      if (req.permission) {
        participant.permission.canPublish = req.permission.canPublish;
        participant.permission.canSubscribe = req.permission.canSubscribe;
        participant.permission.canPublishData = req.permission.canPublishData;
        participant.permission.canUpdateMetadata = req.permission.canUpdateMetadata;
      }
      participant.applyMetadata(req.name, req.metadata, req.attributes);
      room.broadcastParticipant(participant, true);
      return participant.info();
    }),
    MutePublishedTrack: twirpMethod(MuteRoomTrackRequest, (req, caller) => {
      requireGrant(caller, 'roomAdmin', req.room);
      const room = roomOrThrow(rooms, req.room);
      const participant = participantOrThrow(room, req.identity);
      const track = room.setTrackMuted(participant, req.trackSid, req.muted, true);
      if (!track) throw new TwirpError('not_found', 'track does not exist');
      return new MuteRoomTrackResponse({ track: track.info });
    }),
    UpdateSubscriptions: twirpMethod(UpdateSubscriptionsRequest, (req, caller) => {
      requireGrant(caller, 'roomAdmin', req.room);
      const room = roomOrThrow(rooms, req.room);
      const participant = participantOrThrow(room, req.identity);
      room.updateSubscriptions(
        participant,
        new UpdateSubscription({
          trackSids: req.trackSids,
          subscribe: req.subscribe,
          participantTracks: req.participantTracks,
        }),
      );
      return new UpdateSubscriptionsResponse();
    }),
    SendData: twirpMethod(SendDataRequest, (req, caller) => {
      requireGrant(caller, 'roomAdmin', req.room);
      roomOrThrow(rooms, req.room).sendServerData(req);
      return new SendDataResponse();
    }),
    ForwardParticipant: unimplemented('ForwardParticipant'),
    MoveParticipant: unimplemented('MoveParticipant'),
    PerformRpc: unimplemented('PerformRpc'),
  };
}
