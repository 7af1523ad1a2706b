import {
  AudioFrame,
  AudioSource,
  AudioStream,
  dispose,
  LocalAudioTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
} from '@livekit/rtc-node';
import type { RemoteTrack, TextStreamReader } from '@livekit/rtc-node';
import { resamplePcm16 } from '../../src/audio/resample.ts';
import { FliteSynthesizer } from '../../src/providers/flite/index.ts';

export { waitUntil } from './wait.ts';

const RATE = 48_000;
const FRAME = 480; // 10 ms
/**
 * Audio the caller's source may hold beyond the frame being sent (ms). A stall in this process
 * makes the pump send the frames it missed at once; rtc-node's source plays them out at the
 * real-time rate, so without a bound the excess would delay everything after it for the rest of
 * the call, which a microphone never does.
 */
const MAX_SEND_BACKLOG_MS = 20;
/** Peak amplitude above which a received frame counts as agent speech. */
export const SPEECH_PEAK = 300;

/** One `lk.transcription` segment as the caller received it. */
export interface Segment {
  id: string;
  identity: string;
  text: string;
  final: boolean;
  done: boolean;
  receivedAt: number;
  /** When the stream ended (the segment is complete). */
  doneAt?: number;
}

let synth: FliteSynthesizer | undefined;

/** Caller speech: flite (kal16) audio at 48 kHz. */
export async function speech(text: string, voice: 'kal16' | 'slt' = 'kal16'): Promise<Int16Array> {
  synth ??= new FliteSynthesizer();
  const r = await synth.synthesize(text, voice);
  return resamplePcm16(r.samples, r.sampleRate, RATE);
}

export async function closeSpeech(): Promise<void> {
  await synth?.close();
  synth = undefined;
}

/**
 * Stops the speech worker and rtc-node's native runtime. Register it once per test file with a
 * top-level `after(releaseCallerRuntime)`: the native runtime otherwise keeps the process alive.
 */
export async function releaseCallerRuntime(): Promise<void> {
  await closeSpeech();
  await dispose();
}

/**
 * A phone-like caller over rtc-node: publishes a continuous microphone stream (silence unless it
 * is speaking, paced by the wall clock), records the agent's audio with timestamps, and collects
 * the transcription streams.
 */
export class Caller {
  readonly room = new Room();
  readonly segments = new Map<string, Segment>();
  /** Received agent audio: 10 ms frames with their arrival time. */
  readonly agentFrames: { at: number; peak: number; data: Int16Array }[] = [];
  #source = new AudioSource(RATE, 1, 1000);
  #queue: Int16Array[] = [];
  #pump?: NodeJS.Timeout;
  #sent = 0;
  #startedAt = 0;
  /** When the last queued speech frame was handed to the source. */
  lastSpeechSentAt = 0;
  /** Audio queued in the source ahead of that frame (ms): how much later it went out. */
  lastSpeechBacklogMs = 0;
  /** Silent frames left out to keep the source's backlog bounded. */
  droppedSilentFrames = 0;
  /** The agent's `lk.agent.state` attribute (`listening`, `thinking`, `speaking`…) as it changed. */
  readonly agentStates: { at: number; state: string }[] = [];

  async connect(url: string, token: string): Promise<void> {
    this.room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
      if (track.kind === TrackKind.KIND_AUDIO) void this.#record(track);
    });
    this.room.on(RoomEvent.ParticipantAttributesChanged, (changed, participant) => {
      const state = changed['lk.agent.state'];
      if (state !== undefined && participant.identity.startsWith('agent-')) {
        this.agentStates.push({ at: Date.now(), state });
      }
    });
    this.room.registerTextStreamHandler('lk.transcription', (reader: TextStreamReader, info) => {
      void this.#readSegment(reader, info.identity);
    });
    // The agent reports session events on this topic; a caller has no use for them.
    this.room.registerByteStreamHandler(
      'lk.agent.session',
      (reader) => void reader.readAll().catch(() => undefined),
    );
    await this.room.connect(url, token, { autoSubscribe: true, dynacast: false });
    const track = LocalAudioTrack.createAudioTrack('microphone', this.#source);
    const options = new TrackPublishOptions();
    options.source = TrackSource.SOURCE_MICROPHONE;
    await this.room.localParticipant!.publishTrack(track, options);
    this.#startedAt = Date.now();
    this.#pump = setInterval(() => this.#tick(), 5);
  }

  /** Queues speech; resolves when its last frame has been sent. */
  async say(pcm48k: Int16Array): Promise<number> {
    for (let i = 0; i < pcm48k.length; i += FRAME) {
      const frame = new Int16Array(FRAME);
      frame.set(pcm48k.subarray(i, i + FRAME));
      this.#queue.push(frame);
    }
    while (this.#queue.length) await new Promise((r) => setTimeout(r, 10));
    return this.lastSpeechSentAt;
  }

  #tick() {
    // Send as many 10 ms frames as wall-clock time allows, so the stream never stalls or races.
    const due = Math.floor((Date.now() - this.#startedAt) / 10);
    while (this.#sent < due) {
      this.#sent++;
      const speech = this.#queue.shift();
      // Frames sent late in a burst wait in the source; silence is left out until they are out.
      if (!speech && this.#source.queuedDuration > MAX_SEND_BACKLOG_MS) {
        this.droppedSilentFrames++;
        continue;
      }
      if (speech) {
        this.lastSpeechSentAt = Date.now();
        this.lastSpeechBacklogMs = this.#source.queuedDuration;
      }
      this.#source
        .captureFrame(new AudioFrame(speech ?? new Int16Array(FRAME), RATE, 1, FRAME))
        .catch(() => undefined);
    }
  }

  async #record(track: RemoteTrack) {
    const stream = new AudioStream(track, { sampleRate: RATE, numChannels: 1 });
    for await (const frame of stream as unknown as AsyncIterable<AudioFrame>) {
      const data = new Int16Array(frame.data);
      let peak = 0;
      for (const s of data) peak = Math.max(peak, Math.abs(s));
      this.agentFrames.push({ at: Date.now(), peak, data });
    }
  }

  async #readSegment(reader: TextStreamReader, identity: string) {
    const attrs = reader.info.attributes ?? {};
    const id = attrs['lk.segment_id'] ?? reader.info.streamId;
    const seg: Segment = this.segments.get(id) ?? {
      id,
      identity,
      text: '',
      final: false,
      done: false,
      receivedAt: Date.now(),
    };
    seg.text = '';
    seg.final = attrs['lk.transcription_final'] === 'true';
    this.segments.set(id, seg);
    for await (const chunk of reader) seg.text += chunk;
    seg.done = true;
    seg.doneAt = Date.now();
  }

  /** Completed segments from the agent (identity `agent-…`) or the caller, in arrival order. */
  texts(from: 'agent' | 'user'): string[] {
    return [...this.segments.values()]
      .filter((s) => s.done && s.identity.startsWith('agent-') === (from === 'agent'))
      .sort((a, b) => a.receivedAt - b.receivedAt)
      .map((s) => s.text.trim())
      .filter(Boolean);
  }

  /** The first agent frame louder than {@link SPEECH_PEAK} at or after `t`. */
  firstAgentAudioAfter(t: number): number | undefined {
    return this.agentFrames.find((f) => f.at >= t && f.peak > SPEECH_PEAK)?.at;
  }

  /** Agent audio received between two times, as 48 kHz PCM. */
  agentAudio(from: number, to = Date.now()): Int16Array {
    const frames = this.agentFrames.filter((f) => f.at >= from && f.at <= to);
    const out = new Int16Array(frames.reduce((n, f) => n + f.data.length, 0));
    let o = 0;
    for (const f of frames) {
      out.set(f.data, o);
      o += f.data.length;
    }
    return out;
  }

  /** True while the agent's audio has been loud within the last `windowMs`. */
  agentSpeaking(windowMs = 300): boolean {
    const last = this.agentFrames.at(-1);
    return !!last && this.agentFrames.some((f) => f.at >= Date.now() - windowMs && f.peak > SPEECH_PEAK);
  }

  async hangUp(): Promise<void> {
    clearInterval(this.#pump);
    await this.room.disconnect();
  }
}
