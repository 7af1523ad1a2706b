import { SessionDescription, SignalTarget } from '@livekit/protocol';
import type { TrickleRequest } from '@livekit/protocol';
import { RTCPeerConnection } from 'werift';
import type { RTCRtpTransceiver } from 'werift';
import { errorMessage } from '../logger.ts';
import { SerialQueue } from '../serial-queue.ts';
import { OutboundDataChannels } from './data-channels.ts';
import { OfferAnswerer } from './offer-answerer.ts';
import { offeredMedia } from './offer-media.ts';
import { mungeLocalSdp, peerConfig } from './peer-config.ts';
import { parseCandidateInit, wirePeerConnection } from './peer-wiring.ts';
import type { PublishedTrack } from './published-track.ts';
import { NegotiationError } from './transport.ts';
import type { ParticipantTransport, TransportContext } from './transport.ts';

/**
 * v0 (`/rtc`) media: the client offers on its publisher PC (we answer), and we offer on the
 * subscriber PC, which carries subscribed audio and the server-created data channels.
 * `subscriber_primary` is true, so the subscriber PC connecting makes the participant ACTIVE.
 */
export class DualPcTransport implements ParticipantTransport {
  private readonly publisher: RTCPeerConnection;
  private readonly subscriber: RTCPeerConnection;
  private readonly answerer: OfferAnswerer;
  private readonly queue = new SerialQueue();
  private readonly outbound = new OutboundDataChannels();
  private readonly senders = new Map<string, RTCRtpTransceiver>();
  private readonly midToTrackId: Record<string, string> = {};
  private offerId = 0;
  private offerOutstanding = false;
  private renegotiate = false;
  private negotiationScheduled = false;
  private closed = false;

  constructor(private readonly ctx: TransportContext) {
    this.publisher = new RTCPeerConnection(peerConfig(ctx.publicHost));
    this.subscriber = new RTCPeerConnection(peerConfig(ctx.publicHost));
    this.answerer = new OfferAnswerer(
      this.publisher,
      ctx,
      () => undefined,
      () => ({}),
    );
    wirePeerConnection(this.publisher, SignalTarget.PUBLISHER, ctx, false, (mid) =>
      this.answerer.msidForMid(mid),
    );
    wirePeerConnection(this.subscriber, SignalTarget.SUBSCRIBER, ctx, true);
    this.publisher.ondatachannel = ({ channel }) => {
      if (channel.label !== '_reliable' && channel.label !== '_lossy') return;
      const reliable = channel.label === '_reliable';
      channel.onMessage.subscribe((data) => {
        if (typeof data !== 'string') ctx.hooks.data(reliable, data);
      });
    };
  }

  async start(): Promise<void> {
    this.outbound.adopt(this.subscriber.createDataChannel('_reliable', { ordered: true }));
    this.outbound.adopt(this.subscriber.createDataChannel('_lossy', { ordered: false, maxRetransmits: 0 }));
    this.scheduleNegotiation();
  }

  handleOffer(offer: SessionDescription): Promise<void> {
    return this.queue.run(() => this.answerer.answer(offer));
  }

  handleAnswer(answer: SessionDescription): Promise<void> {
    return this.queue.run(async () => {
      if (!this.offerOutstanding) throw new NegotiationError('answer without an outstanding offer');
      if (answer.type !== 'answer') throw new NegotiationError(`expected an answer, got "${answer.type}"`);
      if (answer.id !== 0 && answer.id !== this.offerId) {
        throw new NegotiationError(`answer ${answer.id} does not match offer ${this.offerId}`);
      }
      offeredMedia(answer.sdp); // throws on unparsable SDP before werift sees it
      await this.subscriber.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
      this.offerOutstanding = false;
      if (this.renegotiate) {
        this.renegotiate = false;
        this.scheduleNegotiation();
      }
    });
  }

  handleTrickle(trickle: TrickleRequest): Promise<void> {
    const init = parseCandidateInit(trickle.candidateInit);
    const pc = trickle.target === SignalTarget.SUBSCRIBER ? this.subscriber : this.publisher;
    return this.queue.run(async () => {
      if (!init) return;
      try {
        await pc.addIceCandidate(init);
      } catch (err) {
        this.ctx.logger.debug({ err: errorMessage(err), target: trickle.target }, 'addIceCandidate failed');
      }
    });
  }

  subscribe(track: PublishedTrack): void {
    if (this.closed || this.senders.has(track.sid)) return;
    const out = track.attach(this.ctx.subscriberKey);
    const transceiver = this.subscriber.addTransceiver(out, { direction: 'sendonly' });
    transceiver.sender.streamId = track.streamId;
    this.senders.set(track.sid, transceiver);
    this.scheduleNegotiation();
  }

  requestOffer(): void {
    // v0 clients negotiate their publisher PC on their own; there is nothing to prompt.
  }

  unsubscribe(trackSid: string): void {
    const transceiver = this.senders.get(trackSid);
    if (!transceiver) return;
    this.senders.delete(trackSid);
    if (transceiver.mid) delete this.midToTrackId[transceiver.mid];
    // The m-line stays (inactive); LiveKit clients end the remote track on the direction change.
    void transceiver.sender.replaceTrack(null).catch(() => undefined);
    transceiver.setDirection('inactive');
    this.scheduleNegotiation();
  }

  sendData(reliable: boolean, bytes: Uint8Array): void {
    this.outbound.send(reliable, bytes);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([this.publisher.close(), this.subscriber.close()]);
  }

  /** Coalesces subscription changes made in one tick into one offer. */
  private scheduleNegotiation(): void {
    if (this.negotiationScheduled || this.closed) return;
    this.negotiationScheduled = true;
    setImmediate(() => {
      this.negotiationScheduled = false;
      void this.queue
        .run(() => this.negotiate())
        .catch((err: unknown) => {
          this.ctx.logger.warn({ err: errorMessage(err) }, 'subscriber negotiation failed');
        });
    });
  }

  private async negotiate(): Promise<void> {
    if (this.closed) return;
    if (this.offerOutstanding) {
      this.renegotiate = true;
      return;
    }
    const offer = await this.subscriber.createOffer();
    await this.subscriber.setLocalDescription(offer);
    for (const [sid, transceiver] of this.senders) {
      if (transceiver.mid) this.midToTrackId[transceiver.mid] = sid;
    }
    const local = this.subscriber.localDescription;
    if (!local) throw new Error('no local description after setLocalDescription');
    this.offerOutstanding = true;
    this.ctx.hooks.signal({
      case: 'offer',
      value: new SessionDescription({
        type: 'offer',
        sdp: mungeLocalSdp(local.sdp, this.ctx.publicHost),
        id: ++this.offerId,
        midToTrackId: { ...this.midToTrackId },
      }),
    });
  }
}
