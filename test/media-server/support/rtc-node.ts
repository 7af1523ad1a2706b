import {
  AudioFrame,
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
} from '@livekit/rtc-node';
import type { LocalTrackPublication, RemoteTrack, Room } from '@livekit/rtc-node';
import { toneShare } from './goertzel.ts';

const sampleRate = 48000;

const running = new Set<TonePublisher>();

/** Stops every tone still feeding frames (call before rtc-node's `dispose()`). */
export function stopAllTones(): void {
  for (const tone of running) tone.stop();
}

/** Publishes a sine tone from an rtc-node room until stopped. */
export class TonePublisher {
  private timer: NodeJS.Timeout | undefined;
  private phase = 0;
  publication: LocalTrackPublication | undefined;
  private readonly source = new AudioSource(sampleRate, 1);

  constructor(
    private readonly room: Room,
    readonly frequency: number,
    private readonly amplitude = 8000,
    private readonly name = 'tone',
  ) {}

  /** Publishes the track and starts feeding 10 ms frames. */
  async start(): Promise<LocalTrackPublication> {
    const track = LocalAudioTrack.createAudioTrack(this.name, this.source);
    const options = new TrackPublishOptions();
    options.source = TrackSource.SOURCE_MICROPHONE;
    this.publication = await this.room.localParticipant!.publishTrack(track, options);
    running.add(this);
    this.timer = setInterval(() => {
      const data = new Int16Array(480);
      for (let i = 0; i < 480; i++) {
        data[i] = Math.round(
          this.amplitude * Math.sin((2 * Math.PI * this.frequency * (this.phase + i)) / sampleRate),
        );
      }
      this.phase += 480;
      this.source.captureFrame(new AudioFrame(data, sampleRate, 1, 480)).catch(() => undefined);
    }, 10);
    return this.publication;
  }

  /** Stops feeding frames (the track stays published). */
  stop(): void {
    running.delete(this);
    clearInterval(this.timer);
  }

  /** Stops and unpublishes. */
  async unpublish(): Promise<void> {
    this.stop();
    if (this.publication?.sid) await this.room.localParticipant!.unpublishTrack(this.publication.sid);
  }
}

/**
 * Receives every subscribed audio track of a room and keeps the latest second of each, keyed by
 * `<identity>/<track name>`.
 */
export class AudioCollector {
  /** Frames received per `<identity>/<track name>`. */
  readonly frames = new Map<string, number>();
  private readonly recent = new Map<string, Int16Array[]>();

  constructor(room: Room) {
    room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, publication, participant) => {
      if (track.kind !== TrackKind.KIND_AUDIO) return;
      void this.consume(track, `${participant.identity}/${publication.name ?? ''}`);
    });
  }

  /** Frames received on track `name` of `identity`. */
  count(identity: string, name = 'tone'): number {
    return this.frames.get(`${identity}/${name}`) ?? 0;
  }

  /**
   * Share of energy at `frequency` on a track, averaged over 100 ms windows of the last second
   * (10 Hz resolution tolerates the phase jumps of jitter buffering; see {@link toneShare}).
   */
  share(identity: string, frequency: number, name = 'tone'): number {
    const chunks = this.recent.get(`${identity}/${name}`) ?? [];
    const shares: number[] = [];
    for (let start = 0; start + 10 <= chunks.length; start += 10) {
      const window = new Int16Array(chunks.slice(start, start + 10).reduce((n, c) => n + c.length, 0));
      let offset = 0;
      for (const c of chunks.slice(start, start + 10)) {
        window.set(c, offset);
        offset += c.length;
      }
      shares.push(toneShare(window, frequency, sampleRate));
    }
    return shares.length ? shares.reduce((a, b) => a + b, 0) / shares.length : 0;
  }

  /**
   * Waits until the last second of a track is dominated by `frequency` (share > 0.3; a pure tone
   * gives ≈ 1). Polling rather than one sample tolerates the start-up of jitter buffers on a
   * loaded machine.
   */
  async expectTone(identity: string, frequency: number, name = 'tone', timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const share = this.share(identity, frequency, name);
      if (share > 0.3) return;
      if (Date.now() > deadline) {
        throw new Error(`${identity}/${name} does not carry ${frequency} Hz (share ${share.toFixed(3)})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private async consume(track: RemoteTrack, key: string): Promise<void> {
    const stream = new AudioStream(track, { sampleRate, numChannels: 1 });
    for await (const frame of stream as unknown as AsyncIterable<AudioFrame>) {
      this.frames.set(key, (this.frames.get(key) ?? 0) + 1);
      const list = this.recent.get(key) ?? [];
      list.push(new Int16Array(frame.data));
      if (list.length > 100) list.shift();
      this.recent.set(key, list);
    }
  }
}
