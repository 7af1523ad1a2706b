import { SessionDescription } from '@livekit/protocol';
import type { RTCPeerConnection } from 'werift';
import { mungeLocalSdp } from './peer-config.ts';
import { offeredMedia } from './offer-media.ts';
import type { OfferedMedia } from './offer-media.ts';
import type { TransportContext } from './transport.ts';

/**
 * Answers client offers on a server-side answerer PeerConnection (the v0 publisher PC, or the
 * single v1 PC). Callers serialize calls through the participant's queue.
 */
export class OfferAnswerer {
  private lastOffer: OfferedMedia[] = [];

  constructor(
    private readonly pc: RTCPeerConnection,
    private readonly ctx: TransportContext,
    /** Runs after the offer is applied and before the answer is created (v1 attaches subscriptions). */
    private readonly beforeAnswer: () => void,
    /** `mid_to_track_id` sent with every answer (v1 only; empty in v0). */
    private readonly midToTrackId: () => Record<string, string>,
  ) {}

  /** msid track id of an m-line in the most recent offer. */
  msidForMid(mid: string): string | undefined {
    return this.lastOffer.find((m) => m.mid === mid)?.msidTrackId;
  }

  /** Applies `offer` and sends the answer, echoing the offer id. */
  async answer(offer: SessionDescription): Promise<void> {
    if (offer.type !== 'offer') throw new Error(`expected an offer, got "${offer.type}"`);
    const media = offeredMedia(offer.sdp);
    this.lastOffer = media;
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    this.ctx.hooks.offerApplied(media);
    this.beforeAnswer();
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    // W12: werift's addTransceiver recycles any "inactive" transceiver it has not sent on, even
    // while applying a remote offer that adds an m-line; it steals the mid and the next
    // createAnswer throws "Transceiver with mid=N not found". Marking every transceiver as used
    // for sending disables that recycling.
    for (const transceiver of this.pc.getTransceivers()) transceiver.usedForSender = true;
    const local = this.pc.localDescription;
    if (!local) throw new Error('no local description after setLocalDescription');
    this.ctx.hooks.signal({
      case: 'answer',
      value: new SessionDescription({
        type: 'answer',
        sdp: mungeLocalSdp(local.sdp, this.ctx.publicHost),
        id: offer.id,
        midToTrackId: this.midToTrackId(),
      }),
    });
  }
}
