import type { RTCDataChannel } from 'werift';

/** Labels of the two LiveKit data channels that carry `DataPacket`s. */
export type DataChannelLabel = '_reliable' | '_lossy';

const maxQueuedReliable = 512;

/**
 * The `_reliable` and `_lossy` channels a participant receives data on. Reliable packets sent
 * before the channel opens are queued (bounded); lossy ones are dropped, as the label promises.
 */
export class OutboundDataChannels {
  private readonly channels = new Map<DataChannelLabel, RTCDataChannel>();
  private readonly queue: Buffer[] = [];

  /** Adopts a channel (server-created in v0, client-created in v1); other labels are ignored. */
  adopt(channel: RTCDataChannel): void {
    if (channel.label !== '_reliable' && channel.label !== '_lossy') return;
    this.channels.set(channel.label, channel);
    if (channel.label === '_reliable') {
      if (channel.readyState === 'open') this.flush();
      else channel.stateChanged.subscribe((state) => state === 'open' && this.flush());
    }
  }

  /** Sends one encoded DataPacket. */
  send(reliable: boolean, bytes: Uint8Array): void {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const channel = this.channels.get(reliable ? '_reliable' : '_lossy');
    if (channel?.readyState === 'open') {
      try {
        channel.send(buffer);
      } catch {
        // The association is going away; the participant is about to be removed.
      }
      return;
    }
    if (reliable && this.queue.length < maxQueuedReliable) this.queue.push(buffer);
  }

  private flush(): void {
    const channel = this.channels.get('_reliable');
    while (channel?.readyState === 'open' && this.queue.length > 0) {
      const next = this.queue.shift();
      try {
        if (next) channel.send(next);
      } catch {
        return;
      }
    }
  }
}
