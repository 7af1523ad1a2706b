/**
 * One generation context of the fake Cartesia websocket: it buffers the streamed transcript as
 * Cartesia's managed buffering does (speaks complete sentences as they arrive, the rest when the
 * context closes or `max_buffer_delay_ms` passes), synthesizes each piece with flite and streams
 * it back as base64 `chunk` messages, `timestamps` when asked, and a final `done`.
 */
import type { FakeRequestRecord } from './control.ts';
import { sleep } from './clock.ts';

/** What the fake records about a request, a refused upgrade or a websocket context. */
export interface CartesiaRequestRecord extends FakeRequestRecord {
  /** Websocket connection index (1-based), for contexts. */
  connection?: number;
  contextId?: string;
  voice?: string;
  sampleRate?: number;
  language?: string;
  /** Websocket: generation messages received for the context. */
  inputs?: number;
  /** Audio chunks (websocket) or body writes (HTTP) sent. */
  chunks?: number;
  /** PCM bytes sent. */
  bytes?: number;
  /** How the key arrived. */
  apiKeyVia?: 'x-api-key' | 'bearer' | 'query';
  /** The `Cartesia-Version` the client sent. */
  version?: string;
  /** The first generation message (websocket) or the JSON body (HTTP). */
  body?: Record<string, any>;
  /** The query string's parameters. */
  query?: Record<string, string>;
}

/** How a context speaks: the fake's synthesis and pacing. */
export interface ContextEnv {
  /** PCM16 mono at `sampleRate` for `text` (empty when nothing is speakable). */
  speech(text: string, sampleRate: number, durationStretch: number): Promise<Int16Array>;
  /** Sends a JSON message on the context's socket (`flushed` once written); false once the socket is gone. */
  send(message: object, flushed?: () => void): boolean;
  /** Destroys the socket (the `dropNext` fault). */
  drop(): void;
  /** Delay before a context's first audio, measured from its first message, ms. */
  latencyMs(): number;
  chunkMs: number;
  chunkIntervalMs: number;
}

/** Text up to the last complete sentence (terminal punctuation followed by whitespace). */
export function completeSentences(buffer: string): [ready: string, rest: string] {
  let end = 0;
  for (const m of buffer.matchAll(/[.!?]+["')\]]*\s+/g)) end = m.index + m[0].length;
  return [buffer.slice(0, end), buffer.slice(end)];
}

/** flite's duration stretch for a request's speed: `generation_config.speed`, or the old word speeds. */
export function durationStretch(body: Record<string, any>): number {
  const speed = body.generation_config?.speed;
  if (typeof speed === 'number' && speed > 0) return 1 / speed;
  return body.speed === 'slow' ? 1.25 : body.speed === 'fast' ? 0.8 : 1;
}

/** One context's state on the fake's websocket, from its first message to `done` or `cancel`. */
export class FakeContext {
  readonly id: string;
  readonly record: CartesiaRequestRecord;
  readonly #env: ContextEnv;
  readonly #sampleRate: number;
  readonly #stretch: number;
  readonly #timestamps: boolean;
  readonly #maxBufferDelayMs: number;
  readonly #dropAfterFirst: boolean;
  readonly #stalled: boolean;
  #buffer = '';
  #closed = false;
  #stopped = false;
  #chain: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #audioSeconds = 0;

  constructor(
    first: Record<string, any>,
    record: CartesiaRequestRecord,
    env: ContextEnv,
    faults: { drop: boolean; stall: boolean },
  ) {
    this.id = String(first.context_id);
    this.record = record;
    this.#env = env;
    this.#sampleRate = Number(first.output_format.sample_rate);
    this.#stretch = durationStretch(first);
    this.#timestamps = first.add_timestamps === true;
    this.#maxBufferDelayMs = typeof first.max_buffer_delay_ms === 'number' ? first.max_buffer_delay_ms : 3000;
    this.#dropAfterFirst = faults.drop;
    this.#stalled = faults.stall;
  }

  /** `continue: false` has arrived: no more input is accepted. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Finished, cancelled or cut: nothing more will be sent. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** One generation message for this context. */
  input(transcript: string, more: boolean): void {
    this.record.inputs = (this.record.inputs ?? 0) + 1;
    this.record.text = (this.record.text ?? '') + transcript;
    this.#buffer += transcript;
    if (!more) this.#closed = true;
    if (this.#stalled) return; // accepted, never answered
    if (this.#closed || this.#maxBufferDelayMs === 0) {
      this.#speakBuffered();
    } else {
      const [ready, rest] = completeSentences(this.#buffer);
      if (ready) {
        this.#buffer = rest;
        this.#enqueue(ready);
      }
      if (this.#buffer && !this.#timer) {
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#speakBuffered();
        }, this.#maxBufferDelayMs);
      }
    }
    if (this.#closed) this.#chain = this.#chain.then(() => this.#finish());
  }

  /** The client's `cancel`, or the socket closed: stop at once. */
  stop(cancelled: boolean): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    if (cancelled) {
      this.record.cancelled = true;
      this.record.doneAt = Date.now();
    }
  }

  #speakBuffered(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const text = this.#buffer;
    this.#buffer = '';
    if (text) this.#enqueue(text);
  }

  #enqueue(text: string): void {
    const audio = this.#env.speech(text, this.#sampleRate, this.#stretch);
    audio.catch(() => undefined); // awaited in order below
    this.#chain = this.#chain.then(() => this.#speak(text, audio));
  }

  async #speak(text: string, audio: Promise<Int16Array>): Promise<void> {
    const pcm = await audio;
    if (this.#stopped || pcm.length === 0) return;
    const env = this.#env;
    const chunkSamples = Math.max(1, Math.round((this.#sampleRate * env.chunkMs) / 1000));
    const offset = this.#audioSeconds;
    this.#audioSeconds += pcm.length / this.#sampleRate;
    for (let o = 0; o < pcm.length; o += chunkSamples) {
      if (this.record.firstOutputAt === undefined) {
        await sleep(this.record.at + env.latencyMs() - Date.now());
      } else if (env.chunkIntervalMs > 0) {
        await sleep(env.chunkIntervalMs);
      }
      if (this.#stopped) return;
      const part = pcm.subarray(o, o + chunkSamples);
      const drop = this.#dropAfterFirst;
      const ok = env.send(
        {
          type: 'chunk',
          data: Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString('base64'),
          done: false,
          status_code: 206,
          step_time: 12.5,
          context_id: this.id,
        },
        // The first audio reaches the client before the socket is cut.
        drop ? () => env.drop() : undefined,
      );
      if (!ok) return;
      this.record.firstOutputAt ??= Date.now();
      this.record.chunks = (this.record.chunks ?? 0) + 1;
      this.record.bytes = (this.record.bytes ?? 0) + part.byteLength;
      if (drop) {
        this.record.fault = 'drop';
        this.#stopped = true;
        return;
      }
      if (o === 0 && this.#timestamps) env.send(this.#timestampsMessage(text, offset, pcm.length));
    }
  }

  // Word timings spread over the piece's audio in proportion to the words' lengths.
  #timestampsMessage(text: string, offset: number, samples: number): object {
    const words = text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
    const total = words.reduce((n, w) => n + w.length + 1, 0) || 1;
    const seconds = samples / this.#sampleRate;
    let t = offset;
    const start: number[] = [];
    const end: number[] = [];
    for (const w of words) {
      const d = ((w.length + 1) / total) * seconds;
      start.push(Number(t.toFixed(3)));
      end.push(Number((t + d).toFixed(3)));
      t += d;
    }
    return {
      type: 'timestamps',
      done: false,
      status_code: 206,
      context_id: this.id,
      word_timestamps: { words: words.map((w) => w.replace(/[^\p{L}\p{N}'-]/gu, '')), start, end },
    };
  }

  async #finish(): Promise<void> {
    if (this.#stopped) return;
    this.#env.send({ type: 'done', done: true, status_code: 200, context_id: this.id });
    this.#stopped = true;
    this.record.doneAt = Date.now();
  }
}
