import {
  CreateAgentDispatchRequest,
  DeleteAgentDispatchRequest,
  ListAgentDispatchRequest,
  ListAgentDispatchResponse,
} from '@livekit/protocol';
import type { AgentDispatcher } from '../agents/agent-dispatcher.ts';
import type { RoomRegistry } from '../room/room-registry.ts';
import { TwirpError, requireGrant, twirpMethod } from './twirp.ts';
import type { TwirpMethod } from './twirp.ts';

/** `livekit.AgentDispatchService`; every call needs roomAdmin for the room. */
export function agentDispatchService(
  rooms: RoomRegistry,
  dispatcher: AgentDispatcher,
): Record<string, TwirpMethod> {
  return {
    CreateDispatch: twirpMethod(CreateAgentDispatchRequest, (req, caller) => {
      requireGrant(caller, 'roomAdmin', req.room);
      if (!req.room) throw new TwirpError('invalid_argument', 'room is required');
      // Like LiveKit, dispatching to a room that does not exist yet creates it.
      const room = rooms.getOrCreate(req.room, { noAutomaticDispatch: true });
      return dispatcher.create(room, req.agentName, req.metadata);
    }),
    DeleteDispatch: twirpMethod(DeleteAgentDispatchRequest, (req, caller) => {
      requireGrant(caller, 'roomAdmin', req.room);
      const deleted = dispatcher.delete(req.dispatchId, req.room);
      if (!deleted) throw new TwirpError('not_found', 'dispatch does not exist');
      return deleted;
    }),
    ListDispatch: twirpMethod(ListAgentDispatchRequest, (req, caller) => {
      requireGrant(caller, 'roomAdmin', req.room);
      return new ListAgentDispatchResponse({ agentDispatches: dispatcher.list(req.room, req.dispatchId) });
    }),
  };
}
