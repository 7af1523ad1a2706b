/**
 * Puts a synthesis stream's audio out in order: segment after segment, the last frame of each
 * marked `final`, word timings turned into the stream's timed transcript.
 */
import { createTimedString, tts, type TimedString } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import type { WordTiming } from './messages.ts';
import type { Segment } from './segment-log.ts';

type Output = tts.SynthesizedAudio | typeof tts.SynthesizeStream.END_OF_STREAM;

/**
 * Emits the audio of the segment currently playing. The last frame so far is held back until its
 * successor (or the segment's end) is known, so it can carry `final: true`. Word timings arrive in
 * seconds from the start of their context's audio; they are shifted by the audio emitted before
 * the segment, as the framework's own stream adapter does with sentences.
 */
export class AudioEmitter {
  readonly #put: (item: Output) => void;
  readonly #isOpen: () => boolean;
  #held: { audio: tts.SynthesizedAudio; segment: Segment } | undefined;
  #segment: string | undefined;
  #segmentStart = 0;
  #elapsed = 0;
  #words = 0;
  #pendingWords: TimedString[] = [];

  /**
   * @param put the stream's output queue
   * @param isOpen false once the stream is closed: nothing more is put out
   */
  constructor(put: (item: Output) => void, isOpen: () => boolean) {
    this.#put = put;
    this.#isOpen = isOpen;
  }

  /** Seconds of audio emitted so far. */
  get elapsedSeconds(): number {
    return this.#elapsed;
  }

  /** Audio of `segment`, from Cartesia context `requestId`. */
  frames(segment: Segment, requestId: string, frames: readonly AudioFrame[]): void {
    if (frames.length === 0 || !this.#isOpen()) return;
    this.#enter(segment);
    for (const frame of frames) {
      this.#release(false);
      this.#held = { audio: { requestId, segmentId: segment.id, frame, final: false }, segment };
      if (this.#pendingWords.length > 0) {
        this.#held.audio.timedTranscripts = this.#pendingWords;
        this.#pendingWords = [];
      }
      this.#elapsed += frame.samplesPerChannel / frame.sampleRate;
    }
  }

  /** Word timings of `segment`; they travel with the next frame put out. */
  words(segment: Segment, words: readonly WordTiming[]): void {
    if (words.length === 0) return;
    this.#enter(segment);
    for (const w of words) {
      this.#pendingWords.push(
        createTimedString({
          // The transcript is the concatenation of these strings: words are separated here.
          text: this.#words++ === 0 ? w.word : ` ${w.word}`,
          startTime: this.#segmentStart + w.start,
          endTime: this.#segmentStart + w.end,
        }),
      );
    }
  }

  /** The segment's audio is complete: its last frame goes out with `final: true`. */
  endSegment(segment: Segment): void {
    if (this.#segment !== segment.id) return;
    if (this.#held && this.#pendingWords.length > 0) {
      const audio = this.#held.audio;
      audio.timedTranscripts = [...(audio.timedTranscripts ?? []), ...this.#pendingWords];
    }
    this.#pendingWords = [];
    this.#release(true);
    this.#segment = undefined;
  }

  /** Every segment is done: the end-of-stream marker goes out. */
  endStream(): void {
    this.#release(true);
    if (this.#isOpen()) this.#put(tts.SynthesizeStream.END_OF_STREAM);
  }

  /** Forgets held audio (after a failure). */
  discard(): void {
    this.#held = undefined;
    this.#pendingWords = [];
    this.#segment = undefined;
  }

  #enter(segment: Segment): void {
    if (this.#segment === segment.id) return;
    this.#release(true);
    this.#segment = segment.id;
    this.#segmentStart = this.#elapsed;
    this.#pendingWords = [];
  }

  #release(final: boolean): void {
    const held = this.#held;
    this.#held = undefined;
    if (!held || !this.#isOpen()) return;
    this.#put({ ...held.audio, final });
    // Only audio that went out counts: a held frame dropped by a failure was never heard.
    held.segment.audioEmitted = true;
  }
}
