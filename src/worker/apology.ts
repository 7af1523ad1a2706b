/**
 * What a caller hears when a provider fails for good: a short apology spoken by the local flite
 * TTS (prepared when the call starts, so it does not depend on anything that could have failed),
 * instead of silence before the line drops.
 */
import { ReadableStream } from 'node:stream/web';
import { AudioFrame } from '@livekit/rtc-node';
import type { voice } from '@livekit/agents';
import { sharedFliteSynthesizer } from '../providers/flite/index.ts';

export const APOLOGY_TEXT = 'Sorry, something went wrong on our side. Please call again later.';

const FRAME_MS = 20;

/** The apology as 20 ms frames of flite speech. */
export async function prepareApology(text = APOLOGY_TEXT): Promise<AudioFrame[]> {
  const { samples, sampleRate } = await sharedFliteSynthesizer().synthesize(text, 'slt');
  const perFrame = (sampleRate * FRAME_MS) / 1000;
  const frames: AudioFrame[] = [];
  for (let i = 0; i < samples.length; i += perFrame) {
    const data = new Int16Array(perFrame);
    data.set(samples.subarray(i, i + perFrame));
    frames.push(new AudioFrame(data, sampleRate, 1, perFrame));
  }
  return frames;
}

/**
 * Stops whatever the agent is saying and plays the apology; resolves when it has played, or
 * after `timeoutMs` when the audio output cannot play it.
 */
export async function speakApology(
  session: voice.AgentSession,
  frames: AudioFrame[],
  { text = APOLOGY_TEXT, timeoutMs = 10_000 } = {},
): Promise<void> {
  try {
    await session.interrupt({ force: true }).await;
  } catch {
    // Nothing was playing, or the session is already closing: say it anyway.
  }
  const audio = new ReadableStream<AudioFrame>({
    start(controller) {
      for (const frame of frames) controller.enqueue(frame);
      controller.close();
    },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const handle = session.say(text, { audio, allowInterruptions: false });
    await Promise.race([
      handle.waitForPlayout(),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
