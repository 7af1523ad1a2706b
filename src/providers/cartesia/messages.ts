/** The JSON messages of Cartesia's TTS websocket, both directions, with Cartesia's field names. */
import type { CartesiaErrorFields } from './errors.ts';
import type { GenerationFields } from './options.ts';

/** A generation input for a context: the first one opens it, `continue: false` closes it. */
export interface GenerationRequest extends GenerationFields {
  context_id: string;
  transcript: string;
  continue: boolean;
  add_timestamps?: boolean;
  max_buffer_delay_ms?: number;
}

/** Stops a context: Cartesia generates nothing more for it. */
export interface CancelRequest {
  context_id: string;
  cancel: true;
}

/** Base64 PCM of one context. */
export interface ChunkMessage {
  type: 'chunk';
  context_id: string;
  data: string;
  done: boolean;
  status_code?: number;
  step_time?: number;
}

/** Word timings of a context, in seconds from the start of the context's audio. */
export interface TimestampsMessage {
  type: 'timestamps';
  context_id: string;
  done: boolean;
  word_timestamps?: { words: string[]; start: number[]; end: number[] } | null;
}

/** The context has produced all its audio. */
export interface DoneMessage {
  type: 'done';
  context_id: string;
  done: true;
  status_code?: number;
}

/** A failed context (or, without `context_id`, a failed connection). */
export interface ErrorMessage extends CartesiaErrorFields {
  type: 'error';
  context_id?: string;
  done: boolean;
}

/** `flush_done`, `phoneme_timestamps` and whatever Cartesia adds later: nothing to do. */
export interface OtherMessage {
  type: string;
  context_id?: string;
}

/** Any message Cartesia sends on the TTS websocket. */
export type ServerMessage = ChunkMessage | TimestampsMessage | DoneMessage | ErrorMessage | OtherMessage;

/** A word and its timing, from a `timestamps` message. */
export interface WordTiming {
  word: string;
  /** Seconds from the start of the context's audio. */
  start: number;
  end: number;
}

/** Parses one websocket text frame; undefined when it is not a Cartesia message. */
export function parseServerMessage(raw: string): ServerMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || typeof (value as { type?: unknown }).type !== 'string') {
    return undefined;
  }
  return value as ServerMessage;
}

/** An audio chunk (with its base64 `data`). */
export const isChunk = (m: ServerMessage): m is ChunkMessage =>
  m.type === 'chunk' && typeof (m as ChunkMessage).data === 'string';
/** Word timings. */
export const isTimestamps = (m: ServerMessage): m is TimestampsMessage => m.type === 'timestamps';
/** The end of a context's audio. */
export const isDone = (m: ServerMessage): m is DoneMessage => m.type === 'done';
/** A failed context or connection. */
export const isError = (m: ServerMessage): m is ErrorMessage => m.type === 'error';

/** The word timings of a `timestamps` message (entries with missing times are skipped). */
export function wordTimings(message: TimestampsMessage): WordTiming[] {
  const ts = message.word_timestamps;
  if (!ts || !Array.isArray(ts.words)) return [];
  const out: WordTiming[] = [];
  ts.words.forEach((word, i) => {
    const start = ts.start?.[i];
    const end = ts.end?.[i];
    if (typeof word === 'string' && typeof start === 'number' && typeof end === 'number') {
      out.push({ word, start, end });
    }
  });
  return out;
}
