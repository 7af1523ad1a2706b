/**
 * Conversions between mono PCM16 arrays and `@livekit/rtc-node` {@link AudioFrame}s.
 */
import { AudioFrame } from '@livekit/rtc-node';

/**
 * Splits mono samples into frames of `frameMs` (the last frame may be shorter). Each frame owns a
 * copy of its samples, so the caller may reuse the input.
 */
export function pcmToAudioFrames(samples: Int16Array, sampleRate: number, frameMs = 20): AudioFrame[] {
  const frameSamples = Math.max(1, Math.round((sampleRate * frameMs) / 1000));
  const frames: AudioFrame[] = [];
  for (let offset = 0; offset < samples.length; offset += frameSamples) {
    const data = samples.slice(offset, Math.min(offset + frameSamples, samples.length));
    frames.push(new AudioFrame(data, sampleRate, 1, data.length));
  }
  return frames;
}

/** Concatenates the samples of mono frames that share one sample rate. */
export function audioFramesToPcm(frames: readonly AudioFrame[]): Int16Array {
  const total = frames.reduce((n, f) => n + f.samplesPerChannel * f.channels, 0);
  const out = new Int16Array(total);
  let offset = 0;
  for (const frame of frames) {
    const data = frame.data.subarray(0, frame.samplesPerChannel * frame.channels);
    out.set(data, offset);
    offset += data.length;
  }
  return out;
}
