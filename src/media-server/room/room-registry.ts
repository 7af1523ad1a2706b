import { DisconnectReason } from '@livekit/protocol';
import type { RoomAgentDispatch } from '@livekit/protocol';
import type { MediaServerLogger } from '../logger.ts';
import { Room } from './room.ts';
import type { RoomObserver, RoomSettings } from './room.ts';

/** Notified about room lifecycles; the agent dispatcher implements it. */
export interface RoomLifecycleListener {
  /**
   * A room was created; `agents` are its explicit dispatches. With none and `automatic` set, the
   * room gets LiveKit's automatic dispatch for workers registered without an agent name.
   */
  roomCreated(room: Room, agents: RoomAgentDispatch[], automatic: boolean): void;
  roomClosed(room: Room): void;
}

/** How to create a room that does not exist yet. */
export interface RoomInit {
  emptyTimeoutSeconds?: number;
  maxParticipants?: number;
  metadata?: string;
  agents?: RoomAgentDispatch[];
  /** Skip the automatic dispatch even without agents (the room is created by CreateDispatch). */
  noAutomaticDispatch?: boolean;
}

/** All live rooms, by name. Rooms appear on first join or CreateRoom and vanish when closed. */
export class RoomRegistry implements RoomObserver {
  private readonly rooms = new Map<string, Room>();
  private listener: RoomLifecycleListener | undefined;

  constructor(
    private readonly defaultEmptyTimeoutSeconds: number,
    private readonly logger: MediaServerLogger,
  ) {}

  /** Registers the (single) lifecycle listener. */
  setListener(listener: RoomLifecycleListener): void {
    this.listener = listener;
  }

  get(name: string): Room | undefined {
    return this.rooms.get(name);
  }

  /** Rooms, optionally limited to `names`. */
  list(names: string[] = []): Room[] {
    const all = [...this.rooms.values()];
    return names.length > 0 ? all.filter((r) => names.includes(r.name)) : all;
  }

  /** Returns the room called `name`, creating it from `init` if needed. */
  getOrCreate(name: string, init: RoomInit = {}): Room {
    const existing = this.rooms.get(name);
    if (existing) return existing;
    const settings: RoomSettings = {
      emptyTimeoutSeconds: init.emptyTimeoutSeconds || this.defaultEmptyTimeoutSeconds,
      maxParticipants: init.maxParticipants ?? 0,
      metadata: init.metadata ?? '',
    };
    const room = new Room(name, settings, this, this.logger);
    this.rooms.set(name, room);
    this.logger.info({ room: name, sid: room.sid }, 'room created');
    this.listener?.roomCreated(room, init.agents ?? [], !init.noAutomaticDispatch);
    return room;
  }

  /** Deletes a room (everyone is disconnected with ROOM_DELETED). Returns false if unknown. */
  delete(name: string): boolean {
    const room = this.rooms.get(name);
    if (!room) return false;
    room.close(DisconnectReason.ROOM_DELETED);
    return true;
  }

  /** Closes every room (server shutdown). */
  closeAll(): void {
    for (const room of [...this.rooms.values()]) room.close(DisconnectReason.SERVER_SHUTDOWN);
  }

  closed(room: Room): void {
    if (this.rooms.get(room.name) === room) this.rooms.delete(room.name);
    this.listener?.roomClosed(room);
  }
}
