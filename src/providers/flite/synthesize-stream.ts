/** Streaming synthesis: text in (LLM deltas), audio out, one sentence at a time. */
import {
  type APIConnectOptions,
  AsyncIterableQueue,
  createTimedString,
  shortuuid,
  tts,
} from '@livekit/agents';
import { pcmToAudioFrames } from '../../audio/frames.ts';
import type { ResolvedFliteOptions } from './options.ts';
import { SentenceBuffer } from './sentences.ts';
import { withoutLeadIn, type FliteSynthesisResult } from './synthesizer.ts';
import { prepareFliteText } from './text.ts';

type WorkItem =
  | { kind: 'sentence'; text: string; segmentId: string; audio: Promise<FliteSynthesisResult> }
  | { kind: 'segment-end' };

/**
 * The {@link FliteTTS.stream} implementation. Incoming text is split into sentences as it arrives;
 * each complete sentence is sent to the synthesis worker at once, so the worker works on sentence
 * n+1 while sentence n plays. A flush ends a segment: the remaining text becomes the segment's
 * last sentence and its last frame carries `final: true`. Each sentence's first frame carries a
 * sentence-level timed transcript. Closing the stream (barge-in) stops emission immediately and
 * drops queued sentences.
 */
export class FliteSynthesizeStream extends tts.SynthesizeStream {
  label = 'local/flite.SynthesizeStream';
  readonly #options: ResolvedFliteOptions;

  constructor(owner: tts.TTS, options: ResolvedFliteOptions, connOptions?: APIConnectOptions) {
    super(owner, connOptions);
    this.#options = options;
  }

  protected async run(): Promise<void> {
    const work = new AsyncIterableQueue<WorkItem>();
    await Promise.all([this.#readInput(work), this.#emitAudio(work)]);
  }

  async #readInput(work: AsyncIterableQueue<WorkItem>): Promise<void> {
    const { synthesizer, voice, durationStretch } = this.#options;
    const signal = this.abortSignal;
    const sentences = new SentenceBuffer();
    let segmentId = shortuuid('flite_');
    const schedule = (raw: string | undefined) => {
      const text = prepareFliteText(raw ?? '');
      if (!text || signal.aborted) return;
      this.markStarted();
      const audio = synthesizer.synthesize(text, voice, durationStretch, signal);
      audio.catch(() => {}); // awaited by #emitAudio
      work.put({ kind: 'sentence', text, segmentId, audio });
    };
    try {
      for await (const input of this.input) {
        if (signal.aborted) break;
        if (input === tts.SynthesizeStream.FLUSH_SENTINEL) {
          schedule(sentences.flush());
          work.put({ kind: 'segment-end' });
          segmentId = shortuuid('flite_');
        } else {
          for (const sentence of sentences.push(input)) schedule(sentence);
        }
      }
      // Input closed without a final flush: speak what is left.
      schedule(sentences.flush());
    } finally {
      work.close();
    }
  }

  async #emitAudio(work: AsyncIterableQueue<WorkItem>): Promise<void> {
    const { frameMs } = this.#options;
    const signal = this.abortSignal;
    let held: tts.SynthesizedAudio | undefined; // last frame so far, released once its successor is known
    let elapsedSeconds = 0;
    let sentencesEmitted = 0;
    const release = (final: boolean) => {
      if (held && !signal.aborted) this.queue.put({ ...held, final });
      held = undefined;
    };
    for await (const item of work) {
      if (signal.aborted) break;
      if (item.kind === 'segment-end') {
        release(true);
        continue;
      }
      release(false);
      let audio: FliteSynthesisResult;
      try {
        audio = await item.audio;
      } catch (error) {
        if (signal.aborted) break;
        throw error;
      }
      if (signal.aborted) break;
      const samples = withoutLeadIn(audio);
      const frames = pcmToAudioFrames(samples, audio.sampleRate, frameMs);
      const durationSeconds = samples.length / audio.sampleRate;
      frames.forEach((frame, index) => {
        if (held) this.queue.put(held);
        held = { requestId: item.segmentId, segmentId: item.segmentId, frame, final: false };
        if (index === 0) {
          held.deltaText = item.text;
          held.timedTranscripts = [
            createTimedString({
              // The transcript is the concatenation of these strings: separate sentences.
              text: sentencesEmitted === 0 ? item.text : ` ${item.text}`,
              startTime: elapsedSeconds,
              endTime: elapsedSeconds + durationSeconds,
            }),
          ];
        }
      });
      elapsedSeconds += durationSeconds;
      sentencesEmitted++;
    }
    release(true);
    if (!signal.aborted) this.queue.put(tts.SynthesizeStream.END_OF_STREAM);
  }
}
