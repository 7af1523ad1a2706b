import { MediaSectionsRequirement, SignalTarget } from '@livekit/protocol';
import type { SessionDescription, TrickleRequest } from '@livekit/protocol';
import { RTCPeerConnection } from 'werift';
import type { RTCRtpTransceiver } from 'werift';
import { errorMessage } from '../logger.ts';
import { SerialQueue } from '../serial-queue.ts';
import { OutboundDataChannels } from './data-channels.ts';
import { OfferAnswerer } from './offer-answerer.ts';
import { peerConfig } from './peer-config.ts';
import { parseCandidateInit, wirePeerConnection } from './peer-wiring.ts';
import type { PublishedTrack } from './published-track.ts';
import { NegotiationError } from './transport.ts';
import type { ParticipantTransport, TransportContext } from './transport.ts';

/**
 * v1 (`/rtc/v1`) media: one PeerConnection on which the client is always the offerer. Subscribed
 * audio rides on the client's recvonly m-lines (it pre-creates three); when more are needed, or
 * just to get a fresh offer, the server sends `media_sections_requirement` and the client
 * re-offers. Every answer carries `mid_to_track_id`. Data flows both ways on the client-created
 * channels.
 */
export class SinglePcTransport implements ParticipantTransport {
  private readonly pc: RTCPeerConnection;
  private readonly answerer: OfferAnswerer;
  private readonly queue = new SerialQueue();
  private readonly outbound = new OutboundDataChannels();
  /** Subscriptions waiting for a free client m-line, in subscription order. */
  private pending: PublishedTrack[] = [];
  /** Transceivers carrying a subscription, by track SID. */
  private readonly senders = new Map<string, RTCRtpTransceiver>();
  private readonly assigned = new WeakSet<RTCRtpTransceiver>();
  private readonly midToTrackId: Record<string, string> = {};
  private reofferScheduled = false;
  private closed = false;

  constructor(private readonly ctx: TransportContext) {
    this.pc = new RTCPeerConnection(peerConfig(ctx.publicHost));
    this.answerer = new OfferAnswerer(
      this.pc,
      ctx,
      () => this.attachPending(),
      () => ({ ...this.midToTrackId }),
    );
    wirePeerConnection(this.pc, SignalTarget.PUBLISHER, ctx, true, (mid) => this.answerer.msidForMid(mid));
    this.pc.ondatachannel = ({ channel }) => {
      if (channel.label !== '_reliable' && channel.label !== '_lossy') return;
      this.outbound.adopt(channel);
      const reliable = channel.label === '_reliable';
      channel.onMessage.subscribe((data) => {
        if (typeof data !== 'string') ctx.hooks.data(reliable, data);
      });
    };
  }

  async start(publisherOffer: SessionDescription | undefined): Promise<void> {
    // Firefox-style clients send the publisher offer later, as a normal `offer`.
    if (publisherOffer) await this.handleOffer(publisherOffer);
  }

  handleOffer(offer: SessionDescription): Promise<void> {
    return this.queue.run(async () => {
      await this.answerer.answer(offer);
      // Subscriptions made while this offer was in flight still need m-lines.
      if (this.pending.length > 0) this.scheduleReoffer();
    });
  }

  handleAnswer(): Promise<void> {
    return Promise.reject(new NegotiationError('single-PC clients never receive offers to answer'));
  }

  handleTrickle(trickle: TrickleRequest): Promise<void> {
    const init = parseCandidateInit(trickle.candidateInit);
    return this.queue.run(async () => {
      if (!init) return;
      try {
        await this.pc.addIceCandidate(init);
      } catch (err) {
        this.ctx.logger.debug({ err: errorMessage(err) }, 'addIceCandidate failed');
      }
    });
  }

  subscribe(track: PublishedTrack): void {
    if (this.closed || this.senders.has(track.sid) || this.pending.includes(track)) return;
    this.pending.push(track);
    this.scheduleReoffer();
  }

  unsubscribe(trackSid: string): void {
    this.pending = this.pending.filter((track) => track.sid !== trackSid);
    const transceiver = this.senders.get(trackSid);
    if (!transceiver) return;
    this.senders.delete(trackSid);
    this.assigned.delete(transceiver);
    if (transceiver.mid) delete this.midToTrackId[transceiver.mid];
    void transceiver.sender.replaceTrack(null).catch(() => undefined);
    transceiver.setDirection('inactive');
    this.scheduleReoffer();
  }

  sendData(reliable: boolean, bytes: Uint8Array): void {
    this.outbound.send(reliable, bytes);
  }

  requestOffer(): void {
    // A media_sections_requirement, even for zero new m-lines, makes the client renegotiate.
    this.scheduleReoffer();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pc.close();
  }

  /** Client m-lines that could carry a subscription: audio, offered recvonly, not in use. */
  private freeTransceivers(): RTCRtpTransceiver[] {
    return this.pc
      .getTransceivers()
      .filter(
        (t) =>
          t.kind === 'audio' && t.mid != null && !this.assigned.has(t) && t.offerDirection === 'sendonly',
      );
  }

  /** Moves pending subscriptions onto free m-lines; runs between applying an offer and answering. */
  private attachPending(): void {
    const free = this.freeTransceivers();
    while (this.pending.length > 0 && free.length > 0) {
      const track = this.pending.shift();
      const transceiver = free.shift();
      if (!track || !transceiver?.mid) break;
      this.assigned.add(transceiver);
      this.senders.set(track.sid, transceiver);
      this.midToTrackId[transceiver.mid] = track.sid;
      void transceiver.sender.replaceTrack(track.attach(this.ctx.subscriberKey));
      transceiver.sender.streamId = track.streamId;
      transceiver.setDirection('sendonly');
    }
  }

  /** Asks the client for a new offer with enough recvonly audio m-lines for what is pending. */
  private scheduleReoffer(): void {
    if (this.reofferScheduled || this.closed) return;
    this.reofferScheduled = true;
    setImmediate(() => {
      this.reofferScheduled = false;
      if (this.closed) return;
      const numAudios = Math.max(0, this.pending.length - this.freeTransceivers().length);
      this.ctx.hooks.signal({
        case: 'mediaSectionsRequirement',
        value: new MediaSectionsRequirement({ numAudios, numVideos: 0 }),
      });
    });
  }
}
