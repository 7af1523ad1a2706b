import { AudioStream, type AudioFrame, type RemoteTrack } from '@livekit/rtc-node';

/** RMS above which a received 10 ms frame counts as a benchmark tone (tones are sent at 8000). */
export const ONSET_RMS = 1500;

/**
 * Decodes `track` (mono at `sampleRate`) and pushes `performance.now()` into `onsets` at each rise
 * from quiet to a frame louder than {@link ONSET_RMS}, until the track ends or `more()` is false.
 */
export async function recordOnsets(
  track: RemoteTrack,
  sampleRate: number,
  onsets: number[],
  more: () => boolean = () => true,
): Promise<void> {
  let loud = false;
  const stream = new AudioStream(track, { sampleRate, numChannels: 1 });
  for await (const frame of stream as unknown as AsyncIterable<AudioFrame>) {
    if (!more()) break;
    let energy = 0;
    for (const s of frame.data) energy += s * s;
    const isLoud = Math.sqrt(energy / Math.max(1, frame.data.length)) > ONSET_RMS;
    if (isLoud && !loud) onsets.push(performance.now());
    loud = isLoud;
  }
}
