/**
 * The WebRTC floor under a call's voice-to-voice: the same two media hops a call takes (caller →
 * media server → agent process → media server → caller) with a relay in place of the agent, which
 * republishes every frame it receives at once. Measured on the platform under test, beside its
 * calls, so the bench can say how much of its overhead is transport that any agent would pay.
 *
 * The caller (this process) sends silence with a 10 ms tone every 500 ms; the relay runs in a child
 * process (this file with `--relay`), as the worker's job does; round trip = onset heard − tone
 * captured. Each hop is Opus at 10 ms packets, both peers' capture queues and the receivers' jitter
 * buffers: the part of an agent's overhead that is not the agent.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
  dispose,
  type RemoteTrack,
} from '@livekit/rtc-node';
import { AccessToken } from 'livekit-server-sdk';
import { recordOnsets } from './onsets.ts';

const RATE = 48_000;
const FRAME = 480;
const TONE_EVERY_FRAMES = 50;
const TONE_AMPLITUDE = 8000;
const SETTLE_MS = 2000;

async function publishSource(room: Room, source: AudioSource, name: string): Promise<void> {
  const options = new TrackPublishOptions();
  options.source = TrackSource.SOURCE_MICROPHONE;
  await room.localParticipant!.publishTrack(LocalAudioTrack.createAudioTrack(name, source), options);
}

/** Child mode: join, and publish back every frame of the first audio track subscribed. */
async function relay(url: string, token: string): Promise<void> {
  const room = new Room();
  const source = new AudioSource(RATE, 1);
  room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
    if (track.kind !== TrackKind.KIND_AUDIO) return;
    void (async () => {
      for await (const frame of new AudioStream(track, {
        sampleRate: RATE,
        numChannels: 1,
      }) as unknown as AsyncIterable<AudioFrame>) {
        source.captureFrame(frame).catch(() => undefined);
      }
    })();
  });
  await room.connect(url, token, { autoSubscribe: true, dynacast: false });
  await publishSource(room, source, 'relay');
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => {
    void room.disconnect().finally(async () => {
      await dispose();
      process.exit(0);
    });
  });
}

function tokenFor(keys: { apiKey: string; apiSecret: string }, room: string, identity: string) {
  const at = new AccessToken(keys.apiKey, keys.apiSecret, { identity });
  at.addGrant({ roomJoin: true, room, canPublish: true, canSubscribe: true });
  return at.toJwt();
}

function startRelay(url: string, token: string): { ready: Promise<void>; stop: () => Promise<void> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--relay', url, token],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`the relay exited with ${code} before joining`)));
    setTimeout(() => reject(new Error('the relay did not join within 20 s')), 20_000).unref();
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  return { ready, stop };
}

/**
 * Round trips (ms) through a relay on the media server at `url`, signed with the key pair the
 * platform keeps in `dataDir` (or `keys`), for `seconds` after the jitter buffers settle.
 */
export async function measureRelayFloor(opts: {
  url: string;
  dataDir?: string;
  keys?: { apiKey: string; apiSecret: string };
  seconds: number;
}): Promise<number[]> {
  const keys =
    opts.keys ??
    (JSON.parse(readFileSync(join(opts.dataDir!, 'livekit-keys.json'), 'utf8')) as {
      apiKey: string;
      apiSecret: string;
    });
  const roomName = `bench-relay-${Date.now()}`;
  const relayProc = startRelay(opts.url, await tokenFor(keys, roomName, 'relay'));
  const room = new Room();
  const source = new AudioSource(RATE, 1);
  const sent: number[] = [];
  const heard: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  let reading = true;
  try {
    await relayProc.ready;
    const echoed = new Promise<void>((resolve) => {
      room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
        if (track.kind !== TrackKind.KIND_AUDIO) return;
        resolve();
        void recordOnsets(track, RATE, heard, () => reading);
      });
    });
    await room.connect(opts.url, await tokenFor(keys, roomName, 'caller'), {
      autoSubscribe: true,
      dynacast: false,
    });
    await publishSource(room, source, 'caller');
    await echoed;
    const silence = new Int16Array(FRAME);
    const tone = Int16Array.from({ length: FRAME }, (_, i) =>
      Math.round(TONE_AMPLITUDE * Math.sin((2 * Math.PI * 440 * i) / RATE)),
    );
    let frame = 0;
    const measureFrom = performance.now() + SETTLE_MS;
    timer = setInterval(() => {
      const isTone = frame++ % TONE_EVERY_FRAMES === 0 && performance.now() >= measureFrom;
      if (isTone) sent.push(performance.now());
      source.captureFrame(new AudioFrame(isTone ? tone : silence, RATE, 1, FRAME)).catch(() => undefined);
    }, 10);
    await new Promise((r) => setTimeout(r, SETTLE_MS + opts.seconds * 1000));
    clearInterval(timer);
    await new Promise((r) => setTimeout(r, 1000)); // the last tone's way back
  } finally {
    clearInterval(timer);
    reading = false;
    await room.disconnect().catch(() => undefined);
    await relayProc.stop();
  }
  // Each tone's round trip: the first onset heard after it was sent and before the next one.
  return sent.flatMap((at, i) => {
    const next = sent[i + 1] ?? Infinity;
    const onset = heard.find((h) => h > at && h < next);
    return onset === undefined ? [] : [onset - at];
  });
}

const relayIndex = process.argv.indexOf('--relay');
if (relayIndex > 0) await relay(process.argv[relayIndex + 1]!, process.argv[relayIndex + 2]!);
