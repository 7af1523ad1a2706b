/**
 * The SIP gateway's room side (RoomBridge) over the embedded media server, with an rtc-node
 * listener in the room: phone audio that arrives in a burst (RTP held up by a stall, then
 * delivered at once) must not stay queued and delay everything the caller says afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AudioStream, dispose, Room, RoomEvent, TrackKind, type RemoteTrack } from '@livekit/rtc-node';
import type { AudioFrame } from '@livekit/rtc-node';
import type { MediaServer } from '../../src/media-server/index.ts';
import { RoomBridge } from '../../src/sip/bridge.ts';
import { joinToken, roomName, startTestServer } from '../media-server/support/server.ts';
import { sleep, waitFor, withTimeout } from '../media-server/support/wait.ts';

const PACKET = 160; // 20 ms at 8 kHz
const LOUD = 2000;

const silence = new Int16Array(PACKET);
const tone = Int16Array.from({ length: PACKET }, (_, i) =>
  Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 8000)),
);

/** A phone sending 20 ms packets on the wall clock; it can stall and then deliver a burst. */
class Phone {
  #timer: NodeJS.Timeout | undefined;
  #startedAt = 0;
  #sent = 0;
  #next: Int16Array[] = [];
  #stalled = false;

  constructor(private readonly bridge: RoomBridge) {}

  start() {
    this.#startedAt = Date.now();
    this.#timer = setInterval(() => this.#tick(), 5);
  }

  #tick() {
    if (this.#stalled) return;
    const due = Math.floor((Date.now() - this.#startedAt) / 20);
    while (this.#sent < due) {
      this.#sent++;
      this.bridge.pushCallerAudio(this.#next.shift() ?? silence);
    }
  }

  /** Sends a 60 ms tone; resolves with when its first packet went out. */
  async marker(): Promise<number> {
    this.#next.push(tone, tone, tone);
    while (this.#next.length === 3) await sleep(2);
    return Date.now();
  }

  /** Holds packets back for `ms`, then sends them all at once (as a stalled network would). */
  async stall(ms: number) {
    this.#stalled = true;
    await sleep(ms);
    this.#stalled = false;
    this.#tick();
  }

  stop() {
    clearInterval(this.#timer);
  }
}

describe('SIP bridge: caller audio stays on time', { timeout: 60_000 }, () => {
  let server: MediaServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.close();
    await dispose();
  });

  test('a 400 ms burst of late RTP does not delay what the caller says afterwards', async () => {
    const room = roomName('bridge');
    const bridge = new RoomBridge({ onAgentAudio: () => undefined, onDisconnected: () => undefined });
    const listener = new Room();
    const onsets: number[] = [];
    let subscribed = false;
    listener.on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
      if (track.kind !== TrackKind.KIND_AUDIO) return;
      subscribed = true;
      void (async () => {
        let loud = false;
        const stream = new AudioStream(track, { sampleRate: 48000, numChannels: 1 });
        for await (const frame of stream as unknown as AsyncIterable<AudioFrame>) {
          let peak = 0;
          for (const s of frame.data) peak = Math.max(peak, Math.abs(s));
          if (peak > LOUD && !loud) onsets.push(Date.now());
          loud = peak > LOUD;
        }
      })();
    });
    const phone = new Phone(bridge);
    try {
      await withTimeout(
        listener.connect(server.url, await joinToken(room, 'listener'), {
          autoSubscribe: true,
          dynacast: false,
        }),
        15_000,
        'the listener joins',
      );
      await withTimeout(
        bridge.connect(server.url, await joinToken(room, 'sip-caller')),
        15_000,
        'the bridge joins',
      );
      phone.start();
      await waitFor(() => subscribed, 15_000, 'the listener to subscribe to the caller');
      await sleep(1000);

      const latency = async (what: string) => {
        const before = onsets.length;
        const sent = await phone.marker();
        await waitFor(() => onsets.length > before, 5000, `the ${what} tone at the listener`);
        return onsets[before]! - sent;
      };
      const baseline = await latency('first');
      await sleep(500);
      await phone.stall(400);
      await sleep(1000);
      const afterBurst = await latency('after-burst');
      assert.ok(bridge.droppedCallerFrames > 0, 'the burst left silence out');
      assert.ok(
        afterBurst - baseline < 150,
        `after the burst the caller is heard ${afterBurst} ms late (before: ${baseline} ms); the 400 ms stayed queued`,
      );
    } finally {
      phone.stop();
      await bridge.close();
      await listener.disconnect();
    }
  });
});
