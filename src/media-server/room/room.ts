import {
  DisconnectReason,
  ParticipantUpdate,
  Room as RoomInfo,
  RoomUpdate,
  MuteTrackRequest,
  TrackUnpublishedResponse,
} from '@livekit/protocol';
import type { SendDataRequest, UpdateSubscription } from '@livekit/protocol';
import { newId } from '../ids.ts';
import type { MediaServerLogger } from '../logger.ts';
import { errorMessage } from '../logger.ts';
import type { PublishedTrack } from '../media/published-track.ts';
import type { SignalMessage } from '../media/transport.ts';
import { routeParticipantPacket, serverPacket } from './data-routing.ts';
import type { RoutedPacket } from './data-routing.ts';
import type { Participant } from './participant.ts';

/** Room settings, from defaults, CreateRoom, or the first token's room configuration. */
export interface RoomSettings {
  emptyTimeoutSeconds: number;
  maxParticipants: number;
  metadata: string;
}

/** What the room tells its owner (the registry, and through it the agent dispatcher). */
export interface RoomObserver {
  closed(room: Room, reason: DisconnectReason): void;
}

/**
 * One room: its participants, their published tracks and subscriptions, participant updates,
 * data routing and its lifetime. A room closes when it stays empty for `emptyTimeoutSeconds`,
 * when it is deleted, or as soon as the last non-agent participant leaves while agents remain.
 */
export class Room {
  readonly sid = newId('RM');
  readonly createdAt = BigInt(Math.floor(Date.now() / 1000));
  readonly participants = new Map<string, Participant>();
  metadata: string;
  closed = false;
  private emptyTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly name: string,
    readonly settings: RoomSettings,
    private readonly observer: RoomObserver,
    private readonly logger: MediaServerLogger,
  ) {
    this.metadata = settings.metadata;
    this.armEmptyTimer();
  }

  /** The room as LiveKit's API and JoinResponse describe it. */
  info(): RoomInfo {
    return new RoomInfo({
      sid: this.sid,
      name: this.name,
      creationTime: this.createdAt,
      creationTimeMs: this.createdAt * 1000n,
      emptyTimeout: this.settings.emptyTimeoutSeconds,
      departureTimeout: this.settings.emptyTimeoutSeconds,
      maxParticipants: this.settings.maxParticipants,
      metadata: this.metadata,
      numParticipants: this.participants.size,
      numPublishers: [...this.participants.values()].filter((p) => p.tracks.size > 0).length,
      activeRecording: false,
    });
  }

  /** True when another participant may join. */
  hasCapacity(): boolean {
    return this.settings.maxParticipants === 0 || this.participants.size < this.settings.maxParticipants;
  }

  /** Participants other than `self`. */
  others(self: Participant): Participant[] {
    return [...this.participants.values()].filter((p) => p !== self);
  }

  /** Looks a participant up by SID. */
  participantBySid(sid: string): Participant | undefined {
    return [...this.participants.values()].find((p) => p.sid === sid);
  }

  /**
   * Adds a participant whose join response is about to be sent. A participant with the same
   * identity is replaced (DUPLICATE_IDENTITY), as LiveKit does.
   */
  add(participant: Participant): void {
    const existing = this.participants.get(participant.identity);
    clearTimeout(this.emptyTimer);
    this.emptyTimer = undefined;
    if (existing) {
      // Removed first, so neither the lifetime rules nor its DISCONNECTED update involve the newcomer.
      this.participants.delete(existing.identity);
      this.detach(
        existing,
        DisconnectReason.DUPLICATE_IDENTITY,
        'replaced by a new connection with the same identity',
      );
    }
    this.participants.set(participant.identity, participant);
  }

  /** Subscribes a freshly joined participant to what is already published (if auto-subscribing). */
  subscribeToExisting(participant: Participant): void {
    if (!participant.autoSubscribe) return;
    for (const other of this.others(participant)) {
      for (const track of other.tracks.values()) participant.subscribeTo(track);
    }
  }

  /** Sends `message` to every participant except `except`. */
  broadcast(message: SignalMessage, except?: Participant): void {
    for (const p of this.participants.values()) if (p !== except) p.send(message);
  }

  /** Announces a participant's current info to the others (and optionally to itself). */
  broadcastParticipant(participant: Participant, includeSelf: boolean): void {
    const update: SignalMessage = {
      case: 'update',
      value: new ParticipantUpdate({ participants: [participant.info()] }),
    };
    this.broadcast(update, includeSelf ? undefined : participant);
  }

  /** A track's media arrived: announce it first (P4), then subscribe auto-subscribers. */
  trackPublished(publisher: Participant, track: PublishedTrack): void {
    publisher.touch();
    this.broadcastParticipant(publisher, true);
    for (const p of this.others(publisher)) if (p.autoSubscribe) p.subscribeTo(track);
  }

  /** A track stopped (client renegotiated it away, or the server unpublished it). */
  trackUnpublished(publisher: Participant, track: PublishedTrack): void {
    if (!publisher.tracks.delete(track.sid)) return;
    for (const p of this.others(publisher)) p.unsubscribeFrom(track);
    track.close();
    publisher.send({
      case: 'trackUnpublished',
      value: new TrackUnpublishedResponse({ trackSid: track.sid }),
    });
    publisher.touch();
    this.broadcastParticipant(publisher, true);
    this.logger.info(
      { room: this.name, participant: publisher.identity, track: track.sid },
      'track unpublished',
    );
  }

  /** Mutes or unmutes a published track; `fromServer` also tells the publisher (MutePublishedTrack). */
  setTrackMuted(
    publisher: Participant,
    trackSid: string,
    muted: boolean,
    fromServer = false,
  ): PublishedTrack | undefined {
    const track = publisher.tracks.get(trackSid);
    if (!track) return undefined;
    if (track.info.muted !== muted) {
      track.info.muted = muted;
      if (fromServer) publisher.send({ case: 'mute', value: new MuteTrackRequest({ sid: trackSid, muted }) });
      publisher.touch();
      this.broadcastParticipant(publisher, true);
    }
    return track;
  }

  /** Applies an explicit `subscription` request (or RoomService.UpdateSubscriptions). */
  updateSubscriptions(subscriber: Participant, request: UpdateSubscription): void {
    const sids = new Set([...request.trackSids, ...request.participantTracks.flatMap((pt) => pt.trackSids)]);
    for (const other of this.others(subscriber)) {
      for (const track of other.tracks.values()) {
        if (!sids.has(track.sid)) continue;
        if (request.subscribe) subscriber.subscribeTo(track);
        else subscriber.unsubscribeFrom(track);
      }
    }
  }

  /** Routes a DataPacket a participant sent on `_reliable`/`_lossy`. */
  routeData(sender: Participant, reliable: boolean, bytes: Buffer): void {
    if (!sender.permission.canPublishData) return;
    let routed: RoutedPacket | undefined;
    try {
      routed = routeParticipantPacket(sender, reliable, bytes);
    } catch (err) {
      this.logger.warn(
        { room: this.name, participant: sender.identity, err: errorMessage(err) },
        'undecodable data packet dropped',
      );
      return;
    }
    if (routed) this.deliver(routed, sender);
  }

  /** Delivers a RoomService.SendData packet. */
  sendServerData(request: SendDataRequest): void {
    const identitiesBySid = new Map([...this.participants.values()].map((p) => [p.sid, p.identity]));
    this.deliver(serverPacket(request, identitiesBySid));
  }

  /** Updates room metadata and tells everyone (`room_update`). */
  setMetadata(metadata: string): void {
    this.metadata = metadata;
    this.broadcast({ case: 'roomUpdate', value: new RoomUpdate({ room: this.info() }) });
  }

  /**
   * Removes a participant (left, dropped, removed or replaced): its tracks are unpublished for
   * everyone, the others see it DISCONNECTED, and the room's lifetime rules apply.
   */
  leave(participant: Participant, reason: string): void {
    if (this.participants.get(participant.identity) !== participant) return;
    this.participants.delete(participant.identity);
    this.detach(participant, DisconnectReason.CLIENT_INITIATED, reason);
    if (this.closed) return;
    const remaining = [...this.participants.values()];
    if (remaining.length === 0) {
      this.armEmptyTimer();
    } else if (!participant.isAgent && remaining.every((p) => p.isAgent)) {
      // Agents only serve people: with the last one gone, end their jobs (LiveKit does this
      // after departure_timeout; a development server does not need to wait).
      this.close(DisconnectReason.ROOM_CLOSED);
    }
  }

  /** Closes the room: everyone is told to leave, and the observer ends agent jobs. */
  close(reason: DisconnectReason): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.emptyTimer);
    for (const p of [...this.participants.values()]) {
      this.participants.delete(p.identity);
      p.disconnect(reason);
      p.release();
    }
    this.logger.info({ room: this.name, reason: DisconnectReason[reason] }, 'room closed');
    this.observer.closed(this, reason);
  }

  /** Cleans up after a participant that is no longer in `participants`. */
  private detach(participant: Participant, disconnectReason: DisconnectReason, reason: string): void {
    for (const track of participant.tracks.values()) {
      for (const p of this.participants.values()) p.unsubscribeFrom(track);
    }
    participant.disconnect(disconnectReason);
    participant.release();
    participant.touch();
    this.broadcastParticipant(participant, false);
    this.logger.info({ room: this.name, participant: participant.identity, reason }, 'participant left');
  }

  private deliver(packet: RoutedPacket, sender?: Participant): void {
    for (const p of this.participants.values()) {
      if (p === sender) continue;
      if (packet.destinations && !packet.destinations.includes(p.identity)) continue;
      p.sendData(packet.reliable, packet.bytes);
    }
  }

  private armEmptyTimer(): void {
    clearTimeout(this.emptyTimer);
    this.emptyTimer = setTimeout(() => {
      if (this.participants.size === 0) this.close(DisconnectReason.ROOM_CLOSED);
    }, this.settings.emptyTimeoutSeconds * 1000);
    this.emptyTimer.unref();
  }
}
