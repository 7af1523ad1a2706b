import { APIConnectionError, AudioByteStream, type tts } from '@livekit/agents';

/**
 * Plays a raw PCM16 mono HTTP body (a REST synthesis) as 20 ms frames while the bytes arrive,
 * through `put` (a `tts.ChunkedStream`'s queue); the last frame is held back so it can carry
 * `final`. A body cut before any audio is a retryable connection error; once audio has played,
 * retrying would say the start of the sentence again, so it is not. Returns quietly when `signal`
 * aborts (barge-in, close).
 */
export async function playPcmBody(
  body: AsyncIterable<Uint8Array>,
  opts: {
    provider: string;
    sampleRate: number;
    requestId: string;
    signal: AbortSignal;
    put: (audio: tts.SynthesizedAudio) => void;
  },
): Promise<void> {
  const { provider, sampleRate, requestId, signal, put } = opts;
  const bytes = new AudioByteStream(sampleRate, 1, sampleRate / 50);
  let held: tts.SynthesizedAudio | undefined;
  const emit = (frames: ReturnType<AudioByteStream['write']>) => {
    for (const frame of frames) {
      if (held) put(held);
      held = { requestId, segmentId: requestId, frame, final: false };
    }
  };
  try {
    for await (const chunk of body) {
      if (signal.aborted) return;
      emit(bytes.write(chunk));
    }
  } catch (err) {
    if (signal.aborted) return;
    throw new APIConnectionError({
      message: `${provider} speech was cut off: ${(err as Error).message}`,
      options: { retryable: held === undefined },
    });
  }
  emit(bytes.flush());
  if (held && !signal.aborted) put({ ...held, final: true });
}
