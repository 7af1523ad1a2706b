/**
 * The text a synthesis stream has received, as segments (the text between flushes). It outlives
 * one connection attempt: a retry after a failure that played no audio yet resends the unfinished
 * segments in full, because the stream's input queue can be read only once.
 */

/** The text between two flushes, and how far its speech has got. */
export interface Segment {
  /** Stable across attempts; the `segmentId` of its audio. */
  readonly id: string;
  /** Everything received so far, concatenated verbatim (LLM deltas carry their own spaces). */
  text: string;
  /** A flush (or the end of the input) closed it: no more text will come. */
  ended: boolean;
  /** All its audio has been emitted (or it had nothing to say). */
  finished: boolean;
  /** Some of its audio has been emitted. */
  audioEmitted: boolean;
}

/** Whether text has anything to speak (whitespace alone is not sent to Cartesia). */
export const isSpeakable = (text: string): boolean => /\S/.test(text);

/** Reads a stream's input into {@link Segment}s and tells listeners when something changes. */
export class SegmentLog {
  readonly #input: AsyncIterable<string | symbol>;
  readonly #flush: symbol;
  readonly #newId: () => string;
  readonly #segments: Segment[] = [];
  readonly #listeners = new Set<() => void>();
  #current: Segment | undefined;
  #inputDone = false;
  #started = false;

  /**
   * @param input the stream's input queue: text, or `flush` to end a segment
   * @param flush the stream's flush sentinel
   */
  constructor(input: AsyncIterable<string | symbol>, flush: symbol, newId: () => string) {
    this.#input = input;
    this.#flush = flush;
    this.#newId = newId;
  }

  /** Starts reading the input (once; later calls do nothing). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    void this.#read();
  }

  /** The input has ended: every segment is known. */
  get inputDone(): boolean {
    return this.#inputDone;
  }

  /** Segments whose audio is not finished, oldest first. */
  pending(): Segment[] {
    return this.#segments.filter((s) => !s.finished);
  }

  /** Nothing is left to say and nothing more will come. */
  get complete(): boolean {
    return this.#inputDone && this.pending().length === 0;
  }

  /** Marks a segment's audio as finished. */
  finish(segment: Segment): void {
    segment.finished = true;
    // Finished segments before the first pending one are no longer needed.
    while (this.#segments[0]?.finished) this.#segments.shift();
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves once there is something to speak, or nothing ever will be, or `signal` aborts. */
  ready(signal: AbortSignal): Promise<void> {
    const isReady = () => signal.aborted || this.complete || this.pending().some((s) => isSpeakable(s.text));
    if (isReady()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!isReady()) return;
        off();
        signal.removeEventListener('abort', check);
        resolve();
      };
      const off = this.onChange(check);
      signal.addEventListener('abort', check, { once: true });
    });
  }

  async #read(): Promise<void> {
    try {
      for await (const item of this.#input) {
        if (item === this.#flush) this.#endCurrent();
        else if (typeof item === 'string' && item.length > 0) {
          if (!this.#current) {
            this.#current = {
              id: this.#newId(),
              text: '',
              ended: false,
              finished: false,
              audioEmitted: false,
            };
            this.#segments.push(this.#current);
          }
          this.#current.text += item;
        }
        this.#notify();
      }
    } finally {
      // The input ends after the stream's final flush, or early when the stream is closed.
      this.#endCurrent();
      this.#inputDone = true;
      this.#notify();
    }
  }

  #endCurrent(): void {
    const segment = this.#current;
    if (!segment) return;
    this.#current = undefined;
    segment.ended = true;
    if (!isSpeakable(segment.text)) this.finish(segment);
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
