/**
 * The room side of a call, over `@livekit/rtc-node`: joins the session's room with its token as a
 * SIP participant, publishes the caller's audio (8 kHz → 48 kHz) as a microphone track, hands the
 * agent's audio back resampled to 8 kHz, and sends DTMF as LiveKit SIP DTMF packets. It speaks only
 * the LiveKit protocol, so it works against the embedded media server and real LiveKit alike.
 */
import {
  AudioFrame,
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  type RemoteTrack,
} from '@livekit/rtc-node';
import { BacklogBound } from '../audio/backlog.ts';
import { Pcm16Resampler } from '../audio/resample.ts';

const ROOM_RATE = 48_000;
const PHONE_RATE = 8_000;
/** 10 ms at 48 kHz: the frame size rtc-node's audio source consumes. */
const ROOM_FRAME = 480;

/** Callbacks from the room to the call. */
export interface BridgeEvents {
  /** Agent audio at 8 kHz, as it arrives. */
  onAgentAudio(pcm: Int16Array): void;
  /** The gateway's participant left the room (room deleted, agent ended the call, server gone). */
  onDisconnected(reason: string): void;
}

export class RoomBridge {
  readonly room = new Room();
  #source = new AudioSource(ROOM_RATE, 1, 400);
  /**
   * RTP arrives in 20 ms packets with jitter, and a phone's clock is not this machine's: caller
   * audio queued beyond 60 ms loses its quiet frames, beyond 200 ms any frame, so the agent never
   * hears the caller later than that.
   */
  #backlog = new BacklogBound({ quietMs: 60, hardMs: 200 });
  #up = new Pcm16Resampler(PHONE_RATE, ROOM_RATE);
  #pending = new Int16Array(0);
  #closed = false;
  #published = false;

  constructor(private readonly events: BridgeEvents) {}

  #ready: Promise<void> | undefined;

  /** Connects and publishes the caller's track. */
  connect(url: string, token: string): Promise<void> {
    this.#ready = this.#connect(url, token);
    return this.#ready;
  }

  async #connect(url: string, token: string): Promise<void> {
    this.room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
      if (track.kind === TrackKind.KIND_AUDIO) void this.#pipeAgent(track);
    });
    this.room.on(RoomEvent.Disconnected, (reason: unknown) => {
      if (!this.#closed) this.events.onDisconnected(String(reason));
    });
    await this.room.connect(url, token, { autoSubscribe: true, dynacast: false });
    // The call ended while joining: close() has released the audio source, nothing to publish.
    if (this.#closed) return;
    const track = LocalAudioTrack.createAudioTrack('phone', this.#source);
    const options = new TrackPublishOptions();
    options.source = TrackSource.SOURCE_MICROPHONE;
    await this.room.localParticipant!.publishTrack(track, options);
    this.#published = true;
  }

  /** Caller audio (8 kHz PCM16) into the room. */
  pushCallerAudio(pcm: Int16Array): void {
    // Audio before the track is published has nowhere to go (the call is answered while joining).
    if (this.#closed || !this.#published) return;
    const up = this.#up.push(pcm);
    const merged = new Int16Array(this.#pending.length + up.length);
    merged.set(this.#pending, 0);
    merged.set(up, this.#pending.length);
    let offset = 0;
    while (merged.length - offset >= ROOM_FRAME) {
      const samples = merged.slice(offset, offset + ROOM_FRAME);
      offset += ROOM_FRAME;
      if (!this.#backlog.admit(samples, this.#source.queuedDuration)) continue;
      this.#source.captureFrame(new AudioFrame(samples, ROOM_RATE, 1, ROOM_FRAME)).catch(() => undefined);
    }
    this.#pending = merged.slice(offset);
  }

  /** Caller frames left out to keep the caller's audio on time. */
  get droppedCallerFrames(): number {
    return this.#backlog.dropped;
  }

  /** Sends a key press as a LiveKit SIP DTMF packet. */
  async sendDtmf(code: number, digit: string): Promise<void> {
    // Key presses during the room join (the call is answered meanwhile) wait for it.
    await this.#ready;
    if (this.#closed) return;
    await this.room.localParticipant?.publishDtmf(code, digit);
  }

  async #pipeAgent(track: RemoteTrack) {
    const stream = new AudioStream(track, { sampleRate: ROOM_RATE, numChannels: 1 });
    const down = new Pcm16Resampler(ROOM_RATE, PHONE_RATE);
    try {
      for await (const frame of stream as unknown as AsyncIterable<AudioFrame>) {
        if (this.#closed) break;
        const pcm = down.push(new Int16Array(frame.data.buffer, frame.data.byteOffset, frame.data.length));
        if (pcm.length) this.events.onAgentAudio(pcm);
      }
    } catch {
      // The track ended with the room; nothing to recover.
    }
  }

  /** Leaves the room (the agent then sees the caller hang up); the agent's track ends with it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.room.disconnect().catch(() => undefined);
    await this.#source.close().catch(() => undefined);
  }
}
