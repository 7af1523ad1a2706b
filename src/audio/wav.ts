/**
 * Reading and writing 16-bit PCM WAV (RIFF) data.
 *
 * Only linear PCM with 16 bits per sample is supported: it is what every engine in the offline
 * speech stack produces and consumes. Channels stay interleaved, as in the file.
 */

/** Decoded 16-bit PCM audio with its format. */
export interface Pcm16Audio {
  /** Interleaved samples. */
  samples: Int16Array;
  /** Samples per second per channel. */
  sampleRate: number;
  /** Number of interleaved channels. */
  channels: number;
}

/** Raised when a buffer is not a 16-bit PCM WAV file. */
export class WavFormatError extends Error {}

/**
 * Parses a RIFF/WAVE buffer holding 16-bit linear PCM.
 *
 * Walks the chunk list, so files with extra chunks (LIST, fact) are accepted. A `data` chunk whose
 * declared size exceeds the buffer (streamed writers put 0 or 0xffffffff there) is read up to the
 * end of the buffer.
 *
 * @throws {WavFormatError} when the buffer is not RIFF/WAVE, is not 16-bit PCM or has no data chunk.
 */
export function decodeWav(buffer: Uint8Array): Pcm16Audio {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const tag = (offset: number) => String.fromCharCode(...buffer.subarray(offset, offset + 4));
  if (buffer.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    throw new WavFormatError('not a RIFF/WAVE buffer');
  }
  let sampleRate = 0;
  let channels = 0;
  let offset = 12;
  while (offset + 8 <= buffer.byteLength) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      const format = view.getUint16(body, true);
      channels = view.getUint16(body + 2, true);
      sampleRate = view.getUint32(body + 4, true);
      const bits = view.getUint16(body + 14, true);
      // 0xfffe is WAVE_FORMAT_EXTENSIBLE; its sub-format is PCM for every file we write or read.
      if ((format !== 1 && format !== 0xfffe) || bits !== 16) {
        throw new WavFormatError(`unsupported WAV format ${format} with ${bits} bits; expected 16-bit PCM`);
      }
    } else if (id === 'data') {
      if (!sampleRate || !channels) throw new WavFormatError('data chunk before fmt chunk');
      const available = Math.min(size, buffer.byteLength - body);
      const count = Math.floor(available / 2);
      const samples = new Int16Array(count);
      for (let i = 0; i < count; i++) samples[i] = view.getInt16(body + i * 2, true);
      return { samples, sampleRate, channels };
    }
    offset = body + size + (size & 1);
  }
  throw new WavFormatError('no data chunk');
}

/** The canonical 44-byte header of a 16-bit PCM WAV file holding `dataBytes` of samples. */
export function wavHeader(dataBytes: number, sampleRate: number, channels = 1): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * channels * 2, 28);
  h.writeUInt16LE(channels * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** Encodes interleaved 16-bit samples as a canonical 44-byte-header WAV file. */
export function encodeWav(audio: Pcm16Audio): Buffer {
  const { samples, sampleRate, channels } = audio;
  const out = Buffer.alloc(44 + samples.length * 2);
  wavHeader(samples.length * 2, sampleRate, channels).copy(out, 0);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i]!, 44 + i * 2);
  return out;
}
