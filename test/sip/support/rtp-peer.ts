import { createSocket, type Socket } from 'node:dgram';
import alawmulaw from 'alawmulaw';

const { alaw, mulaw } = alawmulaw;
import { buildRtp, parseRtp } from '../../../src/sip/rtp/packet.ts';
import { buildTelephoneEvent } from '../../../src/sip/rtp/dtmf.ts';

/** Packets the peer received from one gateway RTP source. */
export interface ReceivedStream {
  address: string;
  port: number;
  payloadType: number;
  sequences: number[];
  firstAt: number;
  /** Arrival time of the first packet whose audio is not silence. */
  firstSoundAt: number | undefined;
  /** Decoded samples (8 kHz) of every packet, in arrival order. */
  samples: Int16Array[];
}

/** Peak absolute sample in a decoded packet above which it counts as sound. */
export const SOUND_PEAK = 500;

/**
 * The media side of a test caller: a UDP socket the scenario's SDP points at. It records the
 * gateway's RTP per source port and SSRC and sends G.711 speech and RFC 4733 digits back (symmetric RTP).
 */
export class RtpPeer {
  readonly streams = new Map<string, ReceivedStream>();
  #socket: Socket = createSocket('udp4');
  port = 0;

  async open(): Promise<this> {
    await new Promise<void>((r) => this.#socket.bind(0, '127.0.0.1', () => r()));
    this.port = this.#socket.address().port;
    this.#socket.on('message', (msg, rinfo) => {
      const p = parseRtp(msg);
      if (!p) return;
      // One stream per call: a later call may get a port an ended one used (any free port), but
      // not its SSRC (random per call).
      const key = `${rinfo.address}:${rinfo.port}:${p.ssrc}`;
      let s = this.streams.get(key);
      if (!s) {
        s = {
          address: rinfo.address,
          port: rinfo.port,
          payloadType: p.payloadType,
          sequences: [],
          firstAt: Date.now(),
          firstSoundAt: undefined,
          samples: [],
        };
        this.streams.set(key, s);
      }
      s.sequences.push(p.sequence);
      const pcm = p.payloadType === 0 ? mulaw.decode(p.payload) : alaw.decode(p.payload);
      s.samples.push(pcm);
      if (s.firstSoundAt === undefined && peak(pcm) > SOUND_PEAK) s.firstSoundAt = Date.now();
    });
    return this;
  }

  /** The one stream received so far (tests with one call). */
  only(): ReceivedStream | undefined {
    return [...this.streams.values()][0];
  }

  /** Sends 8 kHz speech as μ-law packets every 20 ms to the stream's source. */
  async sendSpeech(to: { address: string; port: number }, pcm8k: Int16Array, ssrc = 0x1234): Promise<void> {
    let seq = 1;
    let ts = 0;
    const start = Date.now();
    for (let i = 0, n = 0; i < pcm8k.length; i += 160, n++) {
      const frame = new Int16Array(160);
      frame.set(pcm8k.subarray(i, i + 160));
      const packet = buildRtp({
        payloadType: 0,
        marker: n === 0,
        sequence: seq++,
        timestamp: ts,
        ssrc,
        payload: mulaw.encode(frame),
      });
      ts += 160;
      this.#socket.send(packet, to.port, to.address);
      const wait = start + (n + 1) * 20 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }

  /** Sends one RFC 4733 key press (PT 101): three progress packets and three End packets. */
  async sendDigit(to: { address: string; port: number }, event: number, timestamp: number, seqStart: number) {
    let seq = seqStart;
    for (let i = 1; i <= 6; i++) {
      const end = i > 3;
      const payload = buildTelephoneEvent(event, end, Math.min(i, 4) * 160);
      const packet = buildRtp({
        payloadType: 101,
        marker: i === 1,
        sequence: seq++,
        timestamp,
        ssrc: 0x1234,
        payload,
      });
      this.#socket.send(packet, to.port, to.address);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Raw bytes to an address (fuzzing). */
  sendRaw(to: { address: string; port: number }, bytes: Buffer): void {
    this.#socket.send(bytes, to.port, to.address);
  }

  close(): void {
    this.#socket.close();
  }
}

/** Largest absolute sample. */
export function peak(pcm: Int16Array): number {
  let m = 0;
  for (const s of pcm) m = Math.max(m, Math.abs(s));
  return m;
}

/** Packets missing from a sequence (gaps in the 16-bit sequence numbers received in order). */
export function sequenceGaps(sequences: number[]): number {
  let lost = 0;
  for (let i = 1; i < sequences.length; i++) {
    const d = (sequences[i]! - sequences[i - 1]! + 0x10000) & 0xffff;
    if (d > 1 && d < 0x8000) lost += d - 1;
  }
  return lost;
}
