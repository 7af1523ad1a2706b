/**
 * RFC 4733 telephone-event decoding. A key press arrives as a run of packets sharing one RTP
 * timestamp, the last ones (usually three copies) with the End bit; each press is reported once.
 */

/** Event codes 0–15 as the digits LiveKit's SIP DTMF packets carry. */
export const DTMF_DIGITS = '0123456789*#ABCD';

/** One decoded key press. */
export interface DtmfEvent {
  code: number;
  digit: string;
  durationSamples: number;
}

/** The fields of one telephone-event payload, or undefined when it is too short. */
export function parseTelephoneEvent(
  payload: Uint8Array,
): { event: number; end: boolean; volume: number; duration: number } | undefined {
  if (payload.length < 4) return undefined;
  return {
    event: payload[0]!,
    end: (payload[1]! & 0x80) !== 0,
    volume: payload[1]! & 0x3f,
    duration: (payload[2]! << 8) | payload[3]!,
  };
}

/** Turns telephone-event packets into key presses, once each. */
export class DtmfDecoder {
  #reported = new Set<number>();
  #order: number[] = [];

  /** Feeds one packet; returns the press when this packet completes a new one. */
  push(timestamp: number, payload: Uint8Array): DtmfEvent | undefined {
    const ev = parseTelephoneEvent(payload);
    if (!ev || ev.event > 15 || !ev.end) return undefined;
    if (this.#reported.has(timestamp)) return undefined;
    this.#reported.add(timestamp);
    this.#order.push(timestamp);
    if (this.#order.length > 32) this.#reported.delete(this.#order.shift()!);
    return { code: ev.event, digit: DTMF_DIGITS[ev.event]!, durationSamples: ev.duration };
  }
}

/** Builds a telephone-event payload (for tests and tools). */
export function buildTelephoneEvent(event: number, end: boolean, duration: number, volume = 10): Buffer {
  return Buffer.from([
    event & 0xff,
    (end ? 0x80 : 0) | (volume & 0x3f),
    (duration >> 8) & 0xff,
    duration & 0xff,
  ]);
}
