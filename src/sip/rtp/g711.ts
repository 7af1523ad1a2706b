/** G.711 μ-law and A-law (ITU-T G.711) over `alawmulaw`, for 8 kHz mono PCM16. */
import alawmulaw from 'alawmulaw';

const { alaw, mulaw } = alawmulaw;
import type { G711 } from '../sdp.ts';

/** Encodes PCM16 samples to one byte per sample. */
export function encodeG711(codec: G711, pcm: Int16Array): Uint8Array {
  return codec === 'PCMU' ? mulaw.encode(pcm) : alaw.encode(pcm);
}

/** Decodes G.711 bytes to PCM16. */
export function decodeG711(codec: G711, data: Uint8Array): Int16Array {
  return codec === 'PCMU' ? mulaw.decode(data) : alaw.decode(data);
}

/** The payload byte that decodes to (near) silence. */
export function g711Silence(codec: G711): number {
  return codec === 'PCMU' ? 0xff : 0xd5;
}
