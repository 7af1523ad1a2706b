/**
 * One attempt of a synthesis stream over one Cartesia websocket: each segment becomes a Cartesia
 * context, its text is sent as it arrives (`continue: true`) and closed with `continue: false`;
 * the contexts' audio is put out in segment order.
 */
import { APITimeoutError, type APIError } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import { randomUUID } from 'node:crypto';
import type { AudioEmitter } from './audio-emitter.ts';
import { connectionError, errorEventError } from './errors.ts';
import {
  isChunk,
  isDone,
  isError,
  isTimestamps,
  wordTimings,
  type CancelRequest,
  type GenerationRequest,
  type ServerMessage,
  type WordTiming,
} from './messages.ts';
import type { GenerationFields } from './options.ts';
import { Pcm16Framer } from './pcm-framer.ts';
import { isSpeakable, type Segment, type SegmentLog } from './segment-log.ts';
import type { CartesiaSocket } from './socket.ts';

/** Cartesia's `max_buffer_delay_ms` when the request does not set it. */
const DEFAULT_MAX_BUFFER_DELAY_MS = 3000;

/** What one attempt works with: the socket, the stream's text and output, its settings. */
export interface AttemptInput {
  socket: CartesiaSocket;
  log: SegmentLog;
  emitter: AudioEmitter;
  fields: GenerationFields;
  /** Ask for word timestamps. */
  timestamps: boolean;
  maxBufferDelayMs?: number;
  sampleRate: number;
  frameSamples: number;
  /** Cartesia owes an answer and sends nothing for this long: fail with a timeout. */
  timeoutMs: number;
  /** The stream's abort signal: cancel the open contexts and end the attempt. */
  signal: AbortSignal;
  /** Called right before text goes to Cartesia (the framework's time-to-first-byte anchor). */
  onSend: () => void;
}

/** A segment's context in this attempt. */
interface Context {
  id: string;
  segment: Segment;
  /** Characters of `segment.text` sent. */
  sent: number;
  /** `continue: false` has been sent. */
  closed: boolean;
  /** Cartesia said `done`. */
  done: boolean;
  /** When text last went out, and when Cartesia last sent something (epoch ms; 0: never). */
  sentAt: number;
  heardAt: number;
  framer: Pcm16Framer;
  /** Audio that waits for the segments before it. */
  buffered: AudioFrame[];
  bufferedWords: WordTiming[];
  unsubscribe: () => void;
}

/**
 * Runs until every segment of the input has been spoken (END_OF_STREAM is then out), or until the
 * signal aborts (the open contexts are then cancelled). Rejects with an `APIError` on a Cartesia
 * error event, a closed socket or a timeout.
 */
export function runAttempt(input: AttemptInput): Promise<void> {
  const { socket, log, emitter, signal, timeoutMs } = input;
  const contexts = new Map<Segment, Context>();

  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;

    const cleanup = () => {
      clearTimeout(timer);
      offChange();
      offClose();
      signal.removeEventListener('abort', onAbort);
      for (const ctx of contexts.values()) ctx.unsubscribe();
    };
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(connectionError(error));
    };
    const succeed = () => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve();
    };

    // The clock runs only while Cartesia owes us something: a closed context that is not done, or
    // text sent since its last message (plus the buffer delay Cartesia may wait for more text).
    // A context whose text has all been answered may rightly stay quiet while the LLM thinks.
    const bufferGraceMs = input.maxBufferDelayMs ?? DEFAULT_MAX_BUFFER_DELAY_MS;
    const armTimer = () => {
      clearTimeout(timer);
      timer = undefined;
      let deadline = Infinity;
      for (const c of contexts.values()) {
        if (c.done) continue;
        if (c.closed) deadline = Math.min(deadline, Math.max(c.sentAt, c.heardAt) + timeoutMs);
        else if (c.sentAt > c.heardAt) deadline = Math.min(deadline, c.sentAt + timeoutMs + bufferGraceMs);
      }
      if (deadline === Infinity) return;
      timer = setTimeout(
        () => fail(new APITimeoutError({ message: `Cartesia sent nothing for ${timeoutMs} ms` })),
        Math.max(0, deadline - Date.now()),
      );
    };

    const onAbort = () => {
      for (const ctx of contexts.values()) {
        if (ctx.done) continue;
        try {
          socket.send({ context_id: ctx.id, cancel: true } satisfies CancelRequest);
        } catch {
          // The socket is gone: Cartesia stops the context by itself.
        }
      }
      succeed();
    };

    const head = (): Segment | undefined => log.pending()[0];

    const deliver = (ctx: Context, frames: AudioFrame[], words: WordTiming[]) => {
      if (head() === ctx.segment) {
        emitter.words(ctx.segment, words);
        emitter.frames(ctx.segment, ctx.id, frames);
      } else {
        ctx.buffered.push(...frames);
        ctx.bufferedWords.push(...words);
      }
    };

    // Puts out what the head segment has, finishes it when its context is done, moves on.
    const advance = () => {
      for (;;) {
        const segment = head();
        if (!segment) break;
        const ctx = contexts.get(segment);
        if (!ctx) break;
        if (ctx.buffered.length > 0 || ctx.bufferedWords.length > 0) {
          emitter.words(segment, ctx.bufferedWords);
          emitter.frames(segment, ctx.id, ctx.buffered);
          ctx.buffered = [];
          ctx.bufferedWords = [];
        }
        const allSent = segment.ended && ctx.sent === segment.text.length;
        if (!ctx.done || !(ctx.closed || allSent)) break;
        emitter.endSegment(segment);
        ctx.unsubscribe();
        contexts.delete(segment);
        log.finish(segment);
      }
      if (log.complete) {
        emitter.endStream();
        succeed();
      }
    };

    const onMessage = (ctx: Context) => (message: ServerMessage) => {
      if (settled) return;
      ctx.heardAt = Date.now();
      if (isError(message)) {
        fail(errorEventError(message));
        return;
      }
      if (isChunk(message)) {
        deliver(ctx, ctx.framer.push(Buffer.from(message.data, 'base64')), []);
        if (message.done) ctx.done = true;
      } else if (isTimestamps(message)) {
        deliver(ctx, [], wordTimings(message));
      } else if (isDone(message)) {
        ctx.done = true;
      } else {
        return; // flush_done, phoneme_timestamps: nothing to do
      }
      if (ctx.done) deliver(ctx, ctx.framer.flush(), []);
      armTimer();
      advance();
    };

    const open = (segment: Segment, from: number): Context => {
      const id = randomUUID();
      const ctx: Context = {
        id,
        segment,
        sent: from,
        closed: false,
        done: false,
        sentAt: 0,
        heardAt: 0,
        framer: new Pcm16Framer(input.sampleRate, input.frameSamples),
        buffered: [],
        bufferedWords: [],
        unsubscribe: () => undefined,
      };
      ctx.unsubscribe = socket.subscribe(id, onMessage(ctx));
      contexts.set(segment, ctx);
      return ctx;
    };

    const request = (ctx: Context, transcript: string, more: boolean): GenerationRequest => {
      const message: GenerationRequest = {
        ...input.fields,
        context_id: ctx.id,
        transcript,
        continue: more,
      };
      if (input.timestamps) message.add_timestamps = true;
      if (input.maxBufferDelayMs !== undefined) message.max_buffer_delay_ms = input.maxBufferDelayMs;
      return message;
    };

    // Sends every segment's new text; closes the contexts of ended segments.
    const pump = () => {
      if (settled) return;
      try {
        for (const segment of log.pending()) {
          let ctx = contexts.get(segment);
          // Cartesia ended a context on its own before our last input: the rest goes to a new one.
          if (ctx?.done && !ctx.closed && ctx.sent < segment.text.length) {
            const previous = ctx;
            previous.unsubscribe();
            ctx = open(segment, previous.sent);
            ctx.buffered = previous.buffered;
            ctx.bufferedWords = previous.bufferedWords;
          }
          const unsent = segment.text.slice(ctx?.sent ?? 0);
          if (!ctx) {
            if (!isSpeakable(unsent)) continue;
            ctx = open(segment, 0);
          }
          if (ctx.done) continue;
          if (unsent.length > 0 && (ctx.sent > 0 || isSpeakable(unsent))) {
            input.onSend();
            socket.send(request(ctx, unsent, !segment.ended));
            ctx.sentAt = Date.now();
            ctx.sent = segment.text.length;
            if (segment.ended) ctx.closed = true;
          } else if (segment.ended && !ctx.closed && ctx.sent > 0) {
            socket.send(request(ctx, '', false));
            ctx.sentAt = Date.now();
            ctx.closed = true;
          }
        }
      } catch (error) {
        fail(error as APIError);
        return;
      }
      armTimer();
      advance();
    };

    const offChange = log.onChange(pump);
    const offClose = socket.onClose((error) => fail(error));
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    else pump();
  });
}
