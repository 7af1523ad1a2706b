import { MediaStreamTrack } from 'werift';
import type { RtpPacket } from 'werift';
import type { TrackInfo } from '@livekit/protocol';

/**
 * One track a participant publishes, and its fan-out to subscribers. RTP is forwarded as is
 * (Opus is never decoded); werift's sender rewrites SSRC, payload type and sequence/timestamp
 * offsets per subscriber.
 */
export class PublishedTrack {
  /** Packets received from the publisher. */
  receivedPackets = 0;
  private readonly downtracks = new Map<string, MediaStreamTrack>();
  private readonly unsubscribeSource: () => void;

  constructor(
    /** The TrackInfo announced to the room; `muted` and `mid` change over its life. */
    readonly info: TrackInfo,
    /** SID of the publishing participant. */
    readonly publisherSid: string,
    /** werift's remote track on the publisher's PeerConnection. */
    source: MediaStreamTrack,
    /** Transceiver mid on the publisher's PeerConnection. */
    readonly mid: string,
  ) {
    this.unsubscribeSource = source.onReceiveRtp.subscribe((rtp) => this.forward(rtp)).unSubscribe;
  }

  get sid(): string {
    return this.info.sid;
  }

  /** The msid stream id both SDKs parse the track SID from (`PA_…|TR_…`, pitfall W7). */
  get streamId(): string {
    return `${this.publisherSid}|${this.info.sid}`;
  }

  /** Number of subscribers currently attached. */
  get subscriberCount(): number {
    return this.downtracks.size;
  }

  /** True when `subscriberSid` is attached. */
  hasSubscriber(subscriberSid: string): boolean {
    return this.downtracks.has(subscriberSid);
  }

  /** Creates (or returns) the local track that carries this track to one subscriber. */
  attach(subscriberSid: string): MediaStreamTrack {
    let track = this.downtracks.get(subscriberSid);
    if (!track) {
      track = new MediaStreamTrack({ kind: 'audio' });
      this.downtracks.set(subscriberSid, track);
    }
    return track;
  }

  /** Stops forwarding to one subscriber. */
  detach(subscriberSid: string): void {
    this.downtracks.get(subscriberSid)?.stop();
    this.downtracks.delete(subscriberSid);
  }

  /** Stops forwarding to everyone; called on unpublish and when the publisher leaves. */
  close(): void {
    this.unsubscribeSource();
    for (const track of this.downtracks.values()) track.stop();
    this.downtracks.clear();
  }

  private forward(rtp: RtpPacket): void {
    this.receivedPackets++;
    for (const track of this.downtracks.values()) {
      // werift's sender rewrites the header in place, so every subscriber needs its own copy;
      // and it would copy the publisher's header extensions into its own (W6), so drop them.
      const copy = rtp.clone();
      copy.header.extensions = [];
      track.writeRtp(copy);
    }
  }
}
