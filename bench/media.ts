/**
 * Media server benchmark: N rtc-node participants publish audio all-to-all in one room.
 *
 *   node --import tsx bench/media.ts            # N = 2, 4, 8, 12; 20 s each
 *   MEDIA_BENCH_SECONDS=5 MEDIA_BENCH_SIZES=2,8 node --import tsx bench/media.ts
 *
 * The server runs in a child process (this file with `--serve`) so its CPU time can be read from
 * /proc/<pid>/stat. Every publisher sends silence with a 10 ms tone marker every 250 ms; each
 * receiver detects marker onsets. A marker that never arrives means its packet was lost (Opus
 * concealment of the preceding silence stays silent), and onset time minus capture time is the
 * end-to-end one-way latency (capture queue, Opus, forwarding, jitter buffer). Prints a table and
 * writes JSON to bench/results/. It never fails on a number.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AudioFrame,
  AudioSource,
  LocalAudioTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  dispose,
} from '@livekit/rtc-node';
import type { RemoteTrack } from '@livekit/rtc-node';
import { AccessToken } from 'livekit-server-sdk';
import { startMediaServer } from '../src/media-server/index.ts';
import { recordOnsets } from './support/onsets.ts';

const apiKey = 'bench-key';
const apiSecret = 'bench-secret-bench-secret-bench-secret-00';
const sampleRate = 48000;
const frameSamples = 480;
const markerPeriodFrames = 25; // one 10 ms marker every 250 ms
const markerAmplitude = 8000;
const clockTicksPerSecond = 100; // USER_HZ on Linux
const measuredReceivers = Number(process.env.MEDIA_BENCH_MEASURED ?? 3);

function publicIPv4(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) if (info.family === 'IPv4' && !info.internal) return info.address;
  }
  throw new Error('the benchmark needs a non-loopback IPv4 interface');
}

/** Child mode: run the server and print its URL. */
async function serve(): Promise<void> {
  const server = await startMediaServer({
    port: 0,
    host: '127.0.0.1',
    publicHost: publicIPv4(),
    keys: { [apiKey]: apiSecret },
  });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}

/** CPU seconds (user + system, all threads) consumed so far by `pid`. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
}

function log(message: string): void {
  console.log(`${new Date().toISOString().slice(11, 23)} ${message}`);
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** One publishing participant and the marker capture times it recorded. */
class Publisher {
  readonly markerTimes: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;
  private measuring = false;
  private readonly source = new AudioSource(sampleRate, 1);

  constructor(
    readonly room: Room,
    readonly identity: string,
    private readonly frequency: number,
  ) {}

  async start(): Promise<void> {
    const options = new TrackPublishOptions();
    options.source = TrackSource.SOURCE_MICROPHONE;
    await this.room.localParticipant!.publishTrack(
      LocalAudioTrack.createAudioTrack('bench', this.source),
      options,
    );
    const silence = new Int16Array(frameSamples);
    const marker = new Int16Array(frameSamples);
    for (let i = 0; i < frameSamples; i++) {
      marker[i] = Math.round(markerAmplitude * Math.sin((2 * Math.PI * this.frequency * i) / sampleRate));
    }
    this.timer = setInterval(() => {
      const isMarker = this.frame % markerPeriodFrames === 0;
      this.frame++;
      if (isMarker && this.measuring) this.markerTimes.push(performance.now());
      const data = isMarker && this.measuring ? marker : silence;
      this.source.captureFrame(new AudioFrame(data, sampleRate, 1, frameSamples)).catch(() => undefined);
    }, 10);
  }

  setMeasuring(on: boolean): void {
    this.measuring = on;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * Detects marker onsets per sender on one receiving participant. Only measuring receivers decode
 * audio: decoding every stream of every participant in this one process would saturate the client
 * side long before the server (the server forwards all streams either way).
 */
class Receiver {
  readonly onsets = new Map<string, number[]>();
  readonly subscribed = new Set<string>();

  constructor(
    room: Room,
    readonly measuring: boolean,
  ) {
    room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _pub, participant) => {
      this.subscribed.add(participant.identity);
      if (measuring && track.kind === TrackKind.KIND_AUDIO) void this.consume(track, participant.identity);
    });
  }

  private async consume(track: RemoteTrack, sender: string): Promise<void> {
    const list: number[] = [];
    this.onsets.set(sender, list);
    await recordOnsets(track, sampleRate, list);
  }
}

interface ScenarioResult {
  participants: number;
  streams: number;
  /** Streams whose markers were checked (those received by the measuring participants). */
  measuredStreams: number;
  /** Streams the server had set up when measuring started. */
  subscribedStreams: number;
  seconds: number;
  markersSent: number;
  /** Markers a publisher should have sent in the window; fewer means the client side was saturated. */
  markersExpected: number;
  markersReceived: number;
  lossPercent: number;
  serverCpuPerWallSecond: number;
  cpuPercentPerStream: number;
  clientCpuPerWallSecond: number;
  latencyMsMedian: number;
  latencyMsP95: number;
  connectMsMedian: number;
}

async function startServerChild(): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n')[0];
      if (buffer.includes('\n') && line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`server child exited with ${code}`)));
    setTimeout(() => reject(new Error('server child did not start within 20 s')), 20_000).unref();
  });
  return {
    url,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

async function scenario(n: number, seconds: number): Promise<ScenarioResult> {
  const server = await startServerChild();
  const rooms: Room[] = [];
  const publishers: Publisher[] = [];
  const receivers: Receiver[] = [];
  const connectMs: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const identity = `p${i}`;
      const at = new AccessToken(apiKey, apiSecret, { identity });
      at.addGrant({ roomJoin: true, room: 'bench', canPublish: true, canSubscribe: true });
      const room = new Room();
      room.setMaxListeners(0); // rtc-node adds one listener per remote track
      receivers.push(new Receiver(room, i < measuredReceivers));
      const t0 = performance.now();
      await room.connect(server.url, await at.toJwt(), { autoSubscribe: true, dynacast: false });
      connectMs.push(performance.now() - t0);
      const publisher = new Publisher(room, identity, 400 + 50 * i);
      await publisher.start();
      log(`  ${identity} connected in ${Math.round(performance.now() - t0)} ms`);
      rooms.push(room);
      publishers.push(publisher);
    }
    const streams = n * (n - 1);
    const allSubscribed = () => receivers.every((r) => r.subscribed.size === n - 1);
    const deadline = Date.now() + 30_000;
    while (!allSubscribed() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const subscribed = receivers.reduce((total, r) => total + r.subscribed.size, 0);
    log(`  ${subscribed}/${streams} streams subscribed; measuring`);
    await new Promise((r) => setTimeout(r, 2000)); // let jitter buffers settle

    const cpu0 = cpuSeconds(server.pid);
    const client0 = process.cpuUsage();
    const wall0 = performance.now();
    for (const p of publishers) p.setMeasuring(true);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    for (const p of publishers) p.setMeasuring(false);
    const wall = (performance.now() - wall0) / 1000;
    const cpu = cpuSeconds(server.pid) - cpu0;
    const clientCpu = process.cpuUsage(client0);
    await new Promise((r) => setTimeout(r, 1500)); // markers still in flight

    let sent = 0;
    let received = 0;
    const latencies: number[] = [];
    for (const [ri, receiver] of receivers.entries()) {
      if (!receiver.measuring) continue;
      for (const [pi, publisher] of publishers.entries()) {
        if (ri === pi) continue;
        const onsets = receiver.onsets.get(publisher.identity) ?? [];
        sent += publisher.markerTimes.length;
        for (const sentAt of publisher.markerTimes) {
          const arrival = onsets.find((t) => t > sentAt && t - sentAt < 1000);
          if (arrival === undefined) continue;
          received++;
          latencies.push(arrival - sentAt);
        }
      }
    }
    return {
      participants: n,
      streams,
      measuredStreams: Math.min(n, measuredReceivers) * (n - 1),
      subscribedStreams: subscribed,
      seconds: Math.round(wall * 10) / 10,
      markersSent: sent,
      markersExpected: Math.round(
        (Math.min(n, measuredReceivers) * (n - 1) * wall * 100) / markerPeriodFrames,
      ),
      markersReceived: received,
      lossPercent: sent > 0 ? (100 * (sent - received)) / sent : 0,
      serverCpuPerWallSecond: cpu / wall,
      cpuPercentPerStream: (100 * cpu) / wall / Math.max(1, streams),
      clientCpuPerWallSecond: (clientCpu.user + clientCpu.system) / 1e6 / wall,
      latencyMsMedian: percentile(latencies, 50),
      latencyMsP95: percentile(latencies, 95),
      connectMsMedian: percentile(connectMs, 50),
    };
  } finally {
    for (const p of publishers) p.stop();
    log('  disconnecting');
    const disconnected = Promise.all(rooms.map((room) => room.disconnect().catch(() => undefined)));
    await Promise.race([disconnected, new Promise((r) => setTimeout(r, 10_000))]);
    await server.stop();
  }
}

function printTable(results: ScenarioResult[]): void {
  const rows = results.map((r) => ({
    N: r.participants,
    streams: `${r.subscribedStreams}/${r.streams}`,
    measured: r.measuredStreams,
    'markers rx/tx': `${r.markersReceived}/${r.markersSent}`,
    'tx on time %': ((100 * r.markersSent) / Math.max(1, r.markersExpected)).toFixed(0),
    'loss %': r.lossPercent.toFixed(2),
    'server CPU s/s': r.serverCpuPerWallSecond.toFixed(3),
    '% core / stream': r.cpuPercentPerStream.toFixed(3),
    'latency p50 ms': r.latencyMsMedian.toFixed(1),
    'latency p95 ms': r.latencyMsP95.toFixed(1),
    'client CPU s/s': r.clientCpuPerWallSecond.toFixed(2),
    'connect p50 ms': r.connectMsMedian.toFixed(0),
  }));
  console.table(rows);
}

/** Runs one scenario in a fresh process, so native state from earlier scenarios cannot skew it. */
function runScenarioProcess(n: number): Promise<ScenarioResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--scenario', String(n)],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      for (const line of chunk.toString().split('\n'))
        if (!line.startsWith('RESULT') && line.includes('subscribed')) log(line.trim().slice(13));
    });
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (line) resolve(JSON.parse(line.slice('RESULT '.length)) as ScenarioResult);
      else reject(new Error(`scenario N=${n} exited with ${code} without a result`));
    });
  });
}

async function main(): Promise<void> {
  const seconds = Number(process.env.MEDIA_BENCH_SECONDS ?? 20);
  const sizes = (process.env.MEDIA_BENCH_SIZES ?? '2,4,8,12').split(',').map(Number);
  const results: ScenarioResult[] = [];
  for (const n of sizes) {
    console.log(`N=${n}: ${n * (n - 1)} forwarded streams for ${seconds} s …`);
    try {
      results.push(await runScenarioProcess(n));
    } catch (err) {
      console.log(`  N=${n} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  printTable(results);
  const outDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `media-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      { date: new Date().toISOString(), cpus: cpus().length, node: process.version, seconds, results },
      null,
      2,
    ),
  );
  console.log(`wrote ${file}`);
}

/** Scenario mode: run one size and print its result as a `RESULT {json}` line. */
async function scenarioMain(n: number): Promise<void> {
  const result = await scenario(n, Number(process.env.MEDIA_BENCH_SECONDS ?? 20));
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  await dispose();
  process.exit(0);
}

const scenarioIndex = process.argv.indexOf('--scenario');
if (process.argv.includes('--serve')) await serve();
else if (scenarioIndex > 0) await scenarioMain(Number(process.argv[scenarioIndex + 1]));
else await main();
