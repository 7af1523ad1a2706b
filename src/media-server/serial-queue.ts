/**
 * Runs async operations one at a time, in submission order. Every PeerConnection operation of a
 * participant goes through one queue: werift fails when, say, a trickled candidate races
 * `setRemoteDescription` (pitfall W4).
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Queues `op`; the returned promise settles with its result once it has run. */
  run<T>(op: () => Promise<T> | T): Promise<T> {
    const next = this.tail.then(() => op());
    this.tail = next.catch(() => undefined);
    return next;
  }
}
