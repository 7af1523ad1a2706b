/**
 * One call's RTP endpoint: a UDP socket that receives the caller's G.711 (through a jitter buffer)
 * and RFC 4733 events, and sends the agent's audio as 20 ms packets paced by the {@link MediaClock}
 * (silence when the agent is quiet, so the stream is continuous). Symmetric RTP: once a valid
 * packet arrives, replies go to its source address (latching), which traverses NAT.
 */
import { createSocket, type Socket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import type { G711 } from '../sdp.ts';
import { FRAME_MS, type MediaClock } from './clock.ts';
import { DtmfDecoder, type DtmfEvent } from './dtmf.ts';
import { decodeG711, encodeG711, g711Silence } from './g711.ts';
import { JitterBuffer } from './jitter-buffer.ts';
import { buildRtp, parseRtp } from './packet.ts';

/** 20 ms at 8 kHz. */
export const SAMPLES_PER_FRAME = 160;
/** Most agent frames queued for sending (2 s); beyond it the oldest are dropped. */
const MAX_SEND_QUEUE = 100;

/** What the stream reports to its call. */
export interface RtpStreamEvents {
  /** 20 ms of caller audio (8 kHz PCM16) in playout order; silence conceals a lost frame. */
  onAudio(pcm: Int16Array): void;
  onDtmf(event: DtmfEvent): void;
}

/** Counters for tests and the benchmark. */
export interface RtpStreamStats {
  packetsIn: number;
  packetsOut: number;
  invalidIn: number;
  foreignIn: number;
}

export class RtpStream {
  readonly stats: RtpStreamStats = { packetsIn: 0, packetsOut: 0, invalidIn: 0, foreignIn: 0 };
  readonly jitter = new JitterBuffer();
  /** When the last valid RTP packet arrived (ms since epoch); starts at creation. */
  lastPacketAt = Date.now();
  #socket: Socket;
  #port = 0;
  #remote: { address: string; port: number } | undefined;
  #latched = false;
  #codec: G711 = 'PCMU';
  #payloadType = 0;
  #dtmfPayloadType: number | undefined;
  #sending = false;
  #receiving = true;
  #queue: Int16Array[] = [];
  #pending = new Int16Array(0);
  #seq = randomInt(0, 0x10000);
  #ts = randomInt(0, 0x7fffffff);
  #ssrc = randomInt(1, 0x7fffffff);
  #first = true;
  #dtmf = new DtmfDecoder();
  #silence: Uint8Array = new Uint8Array(SAMPLES_PER_FRAME).fill(0xff);
  #closed = false;

  private constructor(
    private readonly clock: MediaClock,
    private readonly events: RtpStreamEvents,
    socket: Socket,
  ) {
    this.#socket = socket;
    socket.on('message', (msg, rinfo) => this.#receive(msg, rinfo.address, rinfo.port));
    socket.on('error', () => undefined);
  }

  /** Binds a socket on `host`, on a free port inside [portMin, portMax] (0, 0 = any port). */
  static async open(opts: {
    host: string;
    portMin: number;
    portMax: number;
    clock: MediaClock;
    events: RtpStreamEvents;
  }): Promise<RtpStream> {
    const family = opts.host.includes(':') ? 'udp6' : 'udp4';
    const span = opts.portMin > 0 && opts.portMax >= opts.portMin ? opts.portMax - opts.portMin + 1 : 0;
    const attempts = span ? Math.min(span, 50) : 1;
    for (let i = 0; i < attempts; i++) {
      // RTP conventionally uses even ports (RTCP the next odd one).
      const port = span ? (opts.portMin + randomInt(0, span)) & ~1 || opts.portMin : 0;
      const socket = createSocket(family);
      const bound = await new Promise<boolean>((resolve) => {
        socket.once('error', () => resolve(false));
        socket.bind(port, opts.host, () => resolve(true));
      });
      if (bound) {
        const s = new RtpStream(opts.clock, opts.events, socket);
        s.#port = socket.address().port;
        return s;
      }
      socket.close();
    }
    throw new Error(`no free RTP port in ${opts.portMin}-${opts.portMax}`);
  }

  get port(): number {
    return this.#port;
  }

  /** Where packets go now (after latching, the caller's observed address). */
  get remote(): { address: string; port: number } | undefined {
    return this.#remote;
  }

  /**
   * Applies a negotiated offer: codec, payload types, the SDP's address (used until latching),
   * and whether each direction is active (hold).
   */
  configure(opts: {
    codec: G711;
    payloadType: number;
    dtmfPayloadType: number | undefined;
    address: string;
    port: number;
    send: boolean;
    receive: boolean;
  }): void {
    this.#codec = opts.codec;
    this.#payloadType = opts.payloadType;
    this.#dtmfPayloadType = opts.dtmfPayloadType;
    this.#silence = new Uint8Array(SAMPLES_PER_FRAME).fill(g711Silence(opts.codec));
    const addressChanged =
      !this.#remote ||
      (!this.#latched && (this.#remote.address !== opts.address || this.#remote.port !== opts.port));
    if (addressChanged && opts.address !== '0.0.0.0')
      this.#remote = { address: opts.address, port: opts.port };
    if (!this.#receiving && opts.receive) this.lastPacketAt = Date.now();
    this.#receiving = opts.receive;
    this.#sending = opts.send;
  }

  /** Whether the caller is expected to send media (false while they hold the call). */
  get receiving(): boolean {
    return this.#receiving;
  }

  /** Starts the 20 ms clock. */
  start(): void {
    if (!this.#closed) this.clock.add(this);
  }

  /** Queues agent audio (8 kHz PCM16, any length); it leaves in 20 ms packets. */
  enqueue(pcm: Int16Array): void {
    const merged = new Int16Array(this.#pending.length + pcm.length);
    merged.set(this.#pending, 0);
    merged.set(pcm, this.#pending.length);
    let offset = 0;
    while (merged.length - offset >= SAMPLES_PER_FRAME) {
      this.#queue.push(merged.slice(offset, offset + SAMPLES_PER_FRAME));
      offset += SAMPLES_PER_FRAME;
    }
    this.#pending = merged.slice(offset);
    while (this.#queue.length > MAX_SEND_QUEUE) this.#queue.shift();
  }

  /** Frames waiting to be sent. */
  get queued(): number {
    return this.#queue.length;
  }

  /** One 20 ms step: play out one received frame, send one frame. */
  tick(): void {
    if (this.#closed) return;
    const out = this.jitter.pop();
    if (out.kind === 'frame') this.events.onAudio(decodeG711(this.#codec, out.payload));
    else if (out.kind === 'lost') this.events.onAudio(new Int16Array(SAMPLES_PER_FRAME));

    const frame = this.#queue.shift();
    this.#ts = (this.#ts + SAMPLES_PER_FRAME) >>> 0;
    if (!this.#sending || !this.#remote) return;
    const payload = frame ? encodeG711(this.#codec, frame) : this.#silence;
    const packet = buildRtp({
      payloadType: this.#payloadType,
      marker: this.#first,
      sequence: this.#seq,
      timestamp: this.#ts,
      ssrc: this.#ssrc,
      payload,
    });
    this.#first = false;
    this.#seq = (this.#seq + 1) & 0xffff;
    this.stats.packetsOut++;
    this.#socket.send(packet, this.#remote.port, this.#remote.address, () => undefined);
  }

  #receive(msg: Buffer, address: string, port: number) {
    if (this.#closed) return;
    const p = parseRtp(msg);
    if (!p) {
      this.stats.invalidIn++;
      return;
    }
    const isAudio = p.payloadType === this.#payloadType;
    const isDtmf = this.#dtmfPayloadType !== undefined && p.payloadType === this.#dtmfPayloadType;
    if (!isAudio && !isDtmf) {
      this.stats.foreignIn++;
      return;
    }
    if (!this.#latched) {
      this.#latched = true;
      this.#remote = { address, port };
    } else if (this.#remote && (this.#remote.address !== address || this.#remote.port !== port)) {
      // Media from anywhere but the latched source is ignored (no hijacking of a live stream).
      this.stats.foreignIn++;
      return;
    }
    this.stats.packetsIn++;
    this.lastPacketAt = Date.now();
    if (isDtmf) {
      const ev = this.#dtmf.push(p.timestamp, p.payload);
      if (ev) this.events.onDtmf(ev);
      return;
    }
    if (p.payload.length === 0 || p.payload.length > 1600) return;
    this.jitter.push(p.sequence, Buffer.from(p.payload));
  }

  /** Re-arms latching (a re-INVITE moved the caller's media). */
  unlatch(): void {
    this.#latched = false;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.clock.remove(this);
    this.#socket.close();
  }
}

export { FRAME_MS };
