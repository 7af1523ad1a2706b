/** One-shot synthesis of a complete text, emitted sentence by sentence. */
import { type APIConnectOptions, shortuuid, tts } from '@livekit/agents';
import { pcmToAudioFrames } from '../../audio/frames.ts';
import type { ResolvedFliteOptions } from './options.ts';
import { withoutLeadIn } from './synthesizer.ts';
import { splitSentences } from './sentences.ts';
import { prepareFliteText } from './text.ts';

/**
 * Synthesizes `text` for {@link FliteTTS.synthesize}. All sentences are queued on the worker at
 * once (it works through them in order) and each sentence's audio is emitted as soon as it is
 * ready, split into `frameMs` frames. Aborting (barge-in or `close()`) stops the emission and
 * drops the sentences not yet synthesized.
 */
export class FliteChunkedStream extends tts.ChunkedStream {
  label = 'local/flite.ChunkedStream';
  readonly #options: ResolvedFliteOptions;

  constructor(
    text: string,
    owner: tts.TTS,
    options: ResolvedFliteOptions,
    connOptions?: APIConnectOptions,
    abortSignal?: AbortSignal,
  ) {
    super(text, owner, connOptions, abortSignal);
    this.#options = options;
  }

  protected async run(): Promise<void> {
    const { synthesizer, voice, durationStretch, frameMs } = this.#options;
    const signal = this.abortSignal;
    const sentences = splitSentences(this.inputText).map(prepareFliteText).filter(Boolean);
    const jobs = sentences.map((s) => synthesizer.synthesize(s, voice, durationStretch, signal));
    for (const job of jobs) job.catch(() => {}); // each is awaited below; avoid unhandled rejections
    const requestId = shortuuid('flite_');
    let held: tts.SynthesizedAudio | undefined;
    for (const job of jobs) {
      let audio;
      try {
        audio = await job;
      } catch (error) {
        if (signal.aborted) return;
        throw error;
      }
      if (signal.aborted) return;
      for (const frame of pcmToAudioFrames(withoutLeadIn(audio), audio.sampleRate, frameMs)) {
        if (held) this.queue.put(held);
        held = { requestId, segmentId: requestId, frame, final: false };
      }
    }
    // The last frame is held back so it can carry final: true.
    if (held && !signal.aborted) this.queue.put({ ...held, final: true });
  }
}
