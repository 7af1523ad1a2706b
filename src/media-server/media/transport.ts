import type { SessionDescription, SignalResponse, TrickleRequest } from '@livekit/protocol';
import type { MediaStreamTrack } from 'werift';
import type { MediaServerLogger } from '../logger.ts';
import type { OfferedMedia } from './offer-media.ts';
import type { PublishedTrack } from './published-track.ts';

/** A server → client signal message, as a `SignalResponse` oneof. */
export type SignalMessage = SignalResponse['message'];

/** What a media transport reports back to its participant. */
export interface TransportHooks {
  /** Queues a signal message to the client. */
  signal(message: SignalMessage): void;
  /** The client started sending a track on `mid` (deduplicated per transceiver, W5). */
  track(track: MediaStreamTrack, mid: string, msidTrackId: string | undefined): void;
  /** A client offer was applied; lets the participant notice unpublished m-lines. */
  offerApplied(media: OfferedMedia[]): void;
  /** A DataPacket arrived on `_reliable` (true) or `_lossy` (false). */
  data(reliable: boolean, bytes: Buffer): void;
  /** The primary PeerConnection connected for the first time. */
  connected(): void;
}

/** Settings shared by both transports. */
export interface TransportContext {
  publicHost: string;
  /** The participant's SID; keys its downtracks on every {@link PublishedTrack}. */
  subscriberKey: string;
  logger: MediaServerLogger;
  hooks: TransportHooks;
}

/**
 * The media side of one participant: v0 uses two PeerConnections (`/rtc`), v1 one (`/rtc/v1`).
 * Every method is safe to call at any time; PeerConnection work is serialized internally.
 */
export interface ParticipantTransport {
  /** Starts negotiation once the join response is out (v1: answers the join's publisher offer). */
  start(publisherOffer: SessionDescription | undefined): Promise<void>;
  /** Applies a client (publisher) offer and answers it. Rejects on invalid SDP. */
  handleOffer(offer: SessionDescription): Promise<void>;
  /** Applies a client answer to a server offer. Rejects when no offer is outstanding. */
  handleAnswer(answer: SessionDescription): Promise<void>;
  /** Adds a trickled ICE candidate. */
  handleTrickle(trickle: TrickleRequest): Promise<void>;
  /** Starts sending `track` to this participant. */
  subscribe(track: PublishedTrack): void;
  /** Stops sending a track to this participant. */
  unsubscribe(trackSid: string): void;
  /** Sends an encoded DataPacket to this participant. */
  sendData(reliable: boolean, bytes: Uint8Array): void;
  /**
   * Asks the client for a fresh publisher offer, for a track it announced with add_track but has
   * not offered (v1 only; a v0 client renegotiates its own publisher PC).
   */
  requestOffer(): void;
  /** Closes the PeerConnections. */
  close(): Promise<void>;
}

/** Raised for signalling that contradicts the negotiation state (e.g. an unexpected answer). */
export class NegotiationError extends Error {
  override name = 'NegotiationError';
}
