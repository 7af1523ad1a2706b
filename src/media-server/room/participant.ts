import {
  DisconnectReason,
  LeaveRequest,
  LeaveRequest_Action,
  ParticipantInfo,
  ParticipantInfo_Kind,
  ParticipantInfo_State,
  ParticipantPermission,
  Pong,
  RequestResponse,
  RequestResponse_Reason,
  TrackInfo,
  TrackPublishedResponse,
  TrackSubscribed,
  TrackType,
} from '@livekit/protocol';
import type { AddTrackRequest, SignalRequest, UpdateParticipantMetadata } from '@livekit/protocol';
import type { MediaStreamTrack } from 'werift';
import { newId } from '../ids.ts';
import type { MediaServerLogger } from '../logger.ts';
import { DualPcTransport } from '../media/dual-pc-transport.ts';
import type { OfferedMedia } from '../media/offer-media.ts';
import { PublishedTrack } from '../media/published-track.ts';
import { SinglePcTransport } from '../media/single-pc-transport.ts';
import type { ParticipantTransport, SignalMessage } from '../media/transport.ts';
import type { JoinParams } from '../signal/join-params.ts';
import type { SignalConnection } from '../signal/signal-connection.ts';
import type { VerifiedToken } from '../tokens.ts';
import type { Room } from './room.ts';

/** Signal requests accepted and deliberately ignored (video layers, resume state, data tracks…). */
const ignoredRequests = new Set<string>([
  'trackSetting',
  'updateLayers',
  'subscriptionPermission',
  'syncState',
  'simulate',
  'updateAudioTrack',
  'updateVideoTrack',
  'publishDataTrackRequest',
  'unpublishDataTrackRequest',
  'updateDataSubscription',
  'storeDataBlobRequest',
  'getDataBlobRequest',
]);

/** How long an announced track may wait for its media before the client is asked to re-offer. */
const OFFER_PROMPT_MS = 1000;
/** How many times the client is asked, per add_track. */
const OFFER_PROMPTS = 5;

/** A participant connected over signalling, with its media transport and published tracks. */
export class Participant {
  readonly sid = newId('PA');
  readonly identity: string;
  name: string;
  metadata: string;
  attributes: Record<string, string>;
  readonly kind: ParticipantInfo_Kind;
  readonly permission: ParticipantPermission;
  readonly autoSubscribe: boolean;
  readonly joinParams: JoinParams;
  state = ParticipantInfo_State.JOINING;
  /** Published tracks by track SID. */
  readonly tracks = new Map<string, PublishedTrack>();
  private readonly joinedAt = BigInt(Math.floor(Date.now() / 1000));
  private version = 1;
  /** add_track requests waiting for their media, by client track id (cid). */
  private readonly pendingTracks = new Map<string, TrackInfo>();
  /** Re-offer prompts left for the current pending tracks, and the timer that sends them. */
  private offerPrompts = 0;
  private offerPromptTimer: NodeJS.Timeout | undefined;
  /** Track SIDs this participant receives. */
  private readonly subscriptions = new Set<string>();
  private readonly transport: ParticipantTransport;
  private readonly log: MediaServerLogger;
  private closed = false;
  private disconnected = false;

  constructor(
    readonly room: Room,
    private readonly signal: SignalConnection,
    token: VerifiedToken,
    params: JoinParams,
    publicHost: string,
    logger: MediaServerLogger,
  ) {
    this.identity = token.identity;
    this.name = token.name;
    this.metadata = token.metadata;
    this.attributes = { ...token.attributes };
    this.kind = token.kind;
    this.joinParams = params;
    this.autoSubscribe = params.autoSubscribe;
    this.permission = new ParticipantPermission({
      canPublish: token.video.canPublish ?? true,
      canSubscribe: token.video.canSubscribe ?? true,
      canPublishData: token.video.canPublishData ?? true,
      canUpdateMetadata: token.video.canUpdateOwnMetadata ?? false,
      hidden: token.video.hidden ?? false,
      agent: token.kind === ParticipantInfo_Kind.AGENT || (token.video.agent ?? false),
    });
    this.log = {
      info: (o, m) => logger.info({ participant: this.identity, room: room.name, ...o }, m),
      warn: (o, m) => logger.warn({ participant: this.identity, room: room.name, ...o }, m),
      error: (o, m) => logger.error({ participant: this.identity, room: room.name, ...o }, m),
      debug: (o, m) => logger.debug({ participant: this.identity, room: room.name, ...o }, m),
    };
    const ctx = {
      publicHost,
      subscriberKey: this.sid,
      logger: this.log,
      hooks: {
        signal: (message: SignalMessage) => this.send(message),
        track: (track: MediaStreamTrack, mid: string, msid: string | undefined) =>
          this.onMediaTrack(track, mid, msid),
        offerApplied: (media: OfferedMedia[]) => this.onOfferApplied(media),
        data: (reliable: boolean, bytes: Buffer) => this.room.routeData(this, reliable, bytes),
        connected: () => this.onConnected(),
      },
    };
    this.transport = params.protocolVersion === 'v1' ? new SinglePcTransport(ctx) : new DualPcTransport(ctx);
  }

  /** True for agent participants (token kind `agent`). */
  get isAgent(): boolean {
    return this.kind === ParticipantInfo_Kind.AGENT;
  }

  /** The participant as other clients see it. */
  info(): ParticipantInfo {
    return new ParticipantInfo({
      sid: this.sid,
      identity: this.identity,
      name: this.name,
      metadata: this.metadata,
      attributes: { ...this.attributes },
      state: this.state,
      joinedAt: this.joinedAt,
      joinedAtMs: this.joinedAt * 1000n,
      version: this.version,
      kind: this.kind,
      permission: this.permission,
      isPublisher: this.tracks.size > 0,
      clientProtocol: this.joinParams.clientProtocol,
      tracks: [...this.tracks.values()].map((t) => t.info),
    });
  }

  /** Records a change: bumps the version clients use to discard stale updates (P3). */
  touch(): void {
    this.version++;
  }

  /** Sends a signal message to this participant's client. */
  send(message: SignalMessage): void {
    this.signal.send(message);
  }

  /** Starts media negotiation; called right after the join response. */
  start(): Promise<void> {
    return this.transport.start(this.joinParams.publisherOffer);
  }

  /** Handles one client signal request; a rejection closes this participant. */
  async handle(request: SignalRequest): Promise<void> {
    const message = request.message;
    switch (message.case) {
      case 'offer':
        return this.transport.handleOffer(message.value);
      case 'answer':
        return this.transport.handleAnswer(message.value);
      case 'trickle':
        return this.transport.handleTrickle(message.value);
      case 'addTrack':
        return this.addTrack(message.value);
      case 'mute':
        this.room.setTrackMuted(this, message.value.sid, message.value.muted);
        return;
      case 'subscription':
        this.room.updateSubscriptions(this, message.value);
        return;
      case 'leave':
        this.room.leave(this, 'client left');
        return;
      case 'ping':
        this.send({ case: 'pong', value: BigInt(Date.now()) });
        return;
      case 'pingReq':
        this.send({
          case: 'pongResp',
          value: new Pong({ lastPingTimestamp: message.value.timestamp, timestamp: BigInt(Date.now()) }),
        });
        return;
      case 'updateMetadata':
        return this.updateOwnMetadata(message.value);
      default:
        if (message.case !== undefined && ignoredRequests.has(message.case)) {
          this.log.debug({ request: message.case }, 'ignored signal request');
          return;
        }
        throw new Error(`unsupported signal request ${String(message.case)}`);
    }
  }

  /** Starts receiving `track` (no-op if already subscribed or not allowed). */
  subscribeTo(track: PublishedTrack): void {
    if (this.closed || !this.permission.canSubscribe || this.subscriptions.has(track.sid)) return;
    this.subscriptions.add(track.sid);
    this.transport.subscribe(track);
    this.room.participantBySid(track.publisherSid)?.send({
      case: 'trackSubscribed',
      value: new TrackSubscribed({ trackSid: track.sid }),
    });
  }

  /** Stops receiving a track. */
  unsubscribeFrom(track: PublishedTrack): void {
    if (!this.subscriptions.delete(track.sid)) return;
    this.transport.unsubscribe(track.sid);
    track.detach(this.sid);
  }

  /** Sends an encoded DataPacket to this participant. */
  sendData(reliable: boolean, bytes: Uint8Array): void {
    this.transport.sendData(reliable, bytes);
  }

  /**
   * Tells the client to go away (`leave`) and closes signalling and media. Safe to call twice.
   * `action` RECONNECT asks the client for a full rejoin.
   */
  disconnect(reason: DisconnectReason, action = LeaveRequest_Action.DISCONNECT): void {
    if (this.disconnected) return;
    this.disconnected = true;
    this.send({ case: 'leave', value: new LeaveRequest({ canReconnect: false, reason, action }) });
    this.signal.close(`disconnected (${DisconnectReason[reason]})`);
  }

  /** Releases media resources; called by the room once the participant has left. */
  release(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.offerPromptTimer);
    this.state = ParticipantInfo_State.DISCONNECTED;
    for (const track of this.tracks.values()) track.close();
    void this.transport.close().catch(() => undefined);
  }

  private addTrack(request: AddTrackRequest): void {
    if (!this.permission.canPublish || request.type !== TrackType.AUDIO) {
      const reason = this.permission.canPublish
        ? RequestResponse_Reason.UNSUPPORTED_TYPE
        : RequestResponse_Reason.NOT_ALLOWED;
      this.log.warn({ cid: request.cid, type: TrackType[request.type] }, 'add_track refused');
      this.send({
        case: 'requestResponse',
        value: new RequestResponse({
          reason,
          message: this.permission.canPublish ? 'only audio tracks are supported' : 'not allowed to publish',
          request: { case: 'addTrack', value: request },
        }),
      });
      return;
    }
    const info = new TrackInfo({
      sid: newId('TR'),
      type: request.type,
      name: request.name,
      source: request.source,
      muted: request.muted,
      mimeType: 'audio/opus',
      stream: request.stream || 'camera',
      audioFeatures: request.audioFeatures,
      disableDtx: request.disableDtx,
      stereo: request.stereo,
    });
    this.pendingTracks.set(request.cid, info);
    this.send({
      case: 'trackPublished',
      value: new TrackPublishedResponse({ cid: request.cid, track: info }),
    });
    this.offerPrompts = OFFER_PROMPTS;
    this.armOfferPrompt();
  }

  /**
   * A v1 client (rtc-node's Rust engine) can lose the renegotiation for a track it announced while
   * an offer for something else was being sent: the track is then never offered. While a track
   * stays pending, the client is prompted for a fresh offer every {@link OFFER_PROMPT_MS}, a few
   * times; one that did offer it is unaffected (the prompt stops when its media arrives).
   */
  private armOfferPrompt(): void {
    clearTimeout(this.offerPromptTimer);
    this.offerPromptTimer = setTimeout(() => {
      if (this.closed || this.pendingTracks.size === 0 || this.offerPrompts <= 0) return;
      this.offerPrompts--;
      this.log.debug(
        { pending: [...this.pendingTracks.keys()] },
        'announced track not offered yet; prompting',
      );
      this.transport.requestOffer();
      this.armOfferPrompt();
    }, OFFER_PROMPT_MS);
    this.offerPromptTimer.unref();
  }

  private onMediaTrack(track: MediaStreamTrack, mid: string, msidTrackId: string | undefined): void {
    if (this.closed || track.kind !== 'audio') return;
    let cid = [msidTrackId, track.id].find((id) => id !== undefined && this.pendingTracks.has(id));
    // Fallback: the oldest pending track (clients announce before they offer).
    cid ??= this.pendingTracks.keys().next().value;
    const info = cid !== undefined ? this.pendingTracks.get(cid) : undefined;
    if (cid === undefined || !info) {
      this.log.warn({ mid, msidTrackId }, 'media track without a matching add_track; ignored');
      return;
    }
    this.pendingTracks.delete(cid);
    info.mid = mid;
    const published = new PublishedTrack(info, this.sid, track, mid);
    this.tracks.set(info.sid, published);
    this.log.info({ track: info.sid, mid }, 'track published');
    this.room.trackPublished(this, published);
  }

  private onOfferApplied(media: OfferedMedia[]): void {
    for (const track of [...this.tracks.values()]) {
      const line = media.find((m) => m.mid === track.mid);
      if (!line?.sending) this.room.trackUnpublished(this, track);
    }
  }

  private onConnected(): void {
    if (this.closed || this.state === ParticipantInfo_State.ACTIVE) return;
    this.state = ParticipantInfo_State.ACTIVE;
    this.touch();
    this.room.broadcastParticipant(this, false);
  }

  private updateOwnMetadata(update: UpdateParticipantMetadata): void {
    if (!this.permission.canUpdateMetadata) {
      this.send({
        case: 'requestResponse',
        value: new RequestResponse({
          requestId: update.requestId,
          reason: RequestResponse_Reason.NOT_ALLOWED,
          message: 'does not have permission to update own metadata',
          request: { case: 'updateMetadata', value: update },
        }),
      });
      return;
    }
    this.applyMetadata(update.name, update.metadata, update.attributes);
    this.send({
      case: 'requestResponse',
      value: new RequestResponse({ requestId: update.requestId, reason: RequestResponse_Reason.OK }),
    });
    // Echoed to the sender too: livekit-client polls its own info after setAttributes.
    this.room.broadcastParticipant(this, true);
  }

  /** Applies name/metadata/attribute changes (empty attribute values delete keys) and bumps the version. */
  applyMetadata(
    name: string | undefined,
    metadata: string | undefined,
    attributes: Record<string, string>,
  ): void {
    if (name) this.name = name;
    if (metadata) this.metadata = metadata;
    for (const [key, value] of Object.entries(attributes)) {
      if (value === '') delete this.attributes[key];
      else this.attributes[key] = value;
    }
    this.touch();
  }
}
