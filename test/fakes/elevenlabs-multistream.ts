/**
 * One connection to the fake's `/v1/text-to-speech/{voice_id}/multi-stream-input` websocket,
 * following ElevenLabs' multi-context AsyncAPI:
 *
 *  - client messages carry `context_id`; the first one for a context (`text: " "`, with
 *    `voice_settings`, `generation_config`) opens it; text is buffered and generated on `flush`,
 *    at once with `auto_mode=true`, or else when the buffer passes the `chunk_length_schedule`;
 *    `{text: ""}` only keeps a context alive;
 *  - `close_context` closes a context: text it buffered without a flush is dropped, text already
 *    flushed "will continue flushing" (the AsyncAPI's `CloseContext`), then `{isFinal: true,
 *    contextId}` ends it — the only message that does; a closed id can be reused as a new context;
 *  - `close_socket` flushes every context, sends their finals and closes the socket;
 *  - server messages are `{audio: <base64 PCM>, isFinal: false, normalizedAlignment, alignment,
 *    contextId}` (alignment with `sync_alignment=true`), paced `chunkIntervalMs` apart;
 *  - at most 5 open contexts (the sixth gets `max_active_conversations` and a 1008 close);
 *    a context closes after `inactivity_timeout` seconds without a message for it.
 *
 * The connection's {@link ElevenLabsRequestRecord} gets the text, the first audio time and, per
 * context, what happened; it is `cancelled` when the client closed the socket while a context still
 * had speech to send, or closed a context that still buffered unflushed text.
 */
import type { WebSocket } from 'ws';
import type { FakeRequestRecord } from './control.ts';
import { speechChunks, type FakeSpeech } from './elevenlabs-speech.ts';
import { sleep } from './clock.ts';

/** What happened to one context of a multi-stream connection. */
export interface ContextRecord {
  id: string;
  /** The text received for it (without the opening `" "`), whitespace collapsed. */
  text: string;
  voiceSettings?: unknown;
  generationConfig?: unknown;
  /** `flush: true` messages received. */
  flushes: number;
  /** How it was closed, if it was. */
  closedBy?: 'close_context' | 'close_socket' | 'inactivity';
  /** `isFinal` was sent. */
  final: boolean;
  /** Speech was left unsent: the socket closed first, or buffered text was dropped at close. */
  cancelled: boolean;
  firstAudioAt?: number;
  audioBytes: number;
}

/** A request or websocket the fake ElevenLabs server served. */
export interface ElevenLabsRequestRecord extends FakeRequestRecord {
  /** Query parameters as the client sent them. */
  query: Record<string, string>;
  /** The `xi-api-key` header. */
  apiKey?: string;
  /** The `{voice_id}` of a text-to-speech path. */
  voiceId?: string;
  /** Multi-stream websockets: each context, in the order they opened. */
  contexts?: ContextRecord[];
  /** REST text-to-speech: the JSON body. */
  body?: Record<string, unknown>;
}

/** How a connection behaves; fixed when it is accepted. */
export interface MultiStreamSettings {
  speech: FakeSpeech;
  rate: number;
  chunkMs: number;
  chunkIntervalMs: number;
  /** Delay from a context's first flush to its first audio, ms. */
  latencyMs: number;
  /** `drop`: destroy the socket right after the first audio; `silent`: never send anything. */
  mode: 'normal' | 'drop' | 'silent';
}

const MAX_CONTEXTS = 5;
const DEFAULT_SCHEDULE = [120, 160, 250, 290];

interface Context {
  rec: ContextRecord;
  /** Text received and not yet flushed. */
  buffer: string;
  /** Flushed text waiting for synthesis, in order. */
  queue: string[];
  generating: boolean;
  closed: boolean;
  firstFlushAt?: number;
  schedule: number[];
  scheduleIndex: number;
  idleTimer?: NodeJS.Timeout;
}

/** The server side of one multi-stream websocket. */
export class MultiStreamSession {
  readonly #contexts = new Map<string, Context>();
  readonly #autoMode: boolean;
  readonly #syncAlignment: boolean;
  readonly #inactivityMs: number;
  #alive = true;
  #closingSocket = false;
  /** The fake itself ended the connection (a drop or a policy close): nothing was cancelled. */
  #closedByServer = false;

  constructor(
    readonly ws: WebSocket,
    readonly rec: ElevenLabsRequestRecord,
    readonly settings: MultiStreamSettings,
  ) {
    this.#autoMode = rec.query.auto_mode === 'true';
    this.#syncAlignment = rec.query.sync_alignment === 'true';
    this.#inactivityMs = 1000 * (Number(rec.query.inactivity_timeout) || 20);
    rec.contexts = [];
    ws.on('error', () => undefined);
    ws.on('close', () => this.#onClose());
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(String(data)) as Record<string, unknown>;
      } catch {
        return;
      }
      this.#onMessage(msg);
    });
  }

  #onMessage(msg: Record<string, unknown>): void {
    if (msg.close_socket === true) {
      this.#closingSocket = true;
      for (const ctx of this.#contexts.values()) this.#close(ctx, 'close_socket', true);
      this.#maybeCloseSocket();
      return;
    }
    const id = String(msg.context_id ?? msg.contextId ?? 'default');
    let ctx = this.#contexts.get(id);
    if (!ctx || ctx.rec.final) {
      const open = [...this.#contexts.values()].filter((c) => !c.rec.final).length;
      if (open >= MAX_CONTEXTS) {
        this.#send({
          message: `Maximum simultaneous contexts per WebSocket connection exceeded (${MAX_CONTEXTS}). Please close an existing context before opening a new one.`,
          error: 'max_active_conversations',
          code: 1008,
        });
        this.#closedByServer = true;
        this.ws.close(1008, 'max_active_conversations');
        return;
      }
      ctx = this.#open(id, msg);
    }
    this.#touch(ctx);
    if (msg.close_context === true) {
      this.#close(ctx, 'close_context', false);
      return;
    }
    if (ctx.closed) return;
    // The opening `" "` and the keep-alive `""` carry no speech.
    const text = typeof msg.text === 'string' ? msg.text : '';
    if (text.trim()) {
      ctx.buffer += text;
      ctx.rec.text = `${ctx.rec.text} ${text}`.replace(/\s+/g, ' ').trim();
      this.#syncText();
    }
    if (msg.flush === true) {
      ctx.rec.flushes++;
      this.#flush(ctx);
    } else if (this.#autoMode) {
      this.#flush(ctx);
    } else {
      const threshold = ctx.schedule[Math.min(ctx.scheduleIndex, ctx.schedule.length - 1)]!;
      if (ctx.buffer.length >= threshold) {
        ctx.scheduleIndex++;
        this.#flush(ctx);
      }
    }
  }

  #open(id: string, msg: Record<string, unknown>): Context {
    const rec: ContextRecord = { id, text: '', flushes: 0, final: false, cancelled: false, audioBytes: 0 };
    if (msg.voice_settings !== undefined) rec.voiceSettings = msg.voice_settings;
    if (msg.generation_config !== undefined) rec.generationConfig = msg.generation_config;
    const schedule = (msg.generation_config as { chunk_length_schedule?: unknown } | undefined)
      ?.chunk_length_schedule;
    const ctx: Context = {
      rec,
      buffer: '',
      queue: [],
      generating: false,
      closed: false,
      schedule: Array.isArray(schedule) && schedule.length > 0 ? schedule.map(Number) : DEFAULT_SCHEDULE,
      scheduleIndex: 0,
    };
    this.#contexts.set(id, ctx);
    this.rec.contexts!.push(rec);
    return ctx;
  }

  /** Restarts the context's inactivity clock. */
  #touch(ctx: Context): void {
    clearTimeout(ctx.idleTimer);
    if (ctx.closed) return;
    ctx.idleTimer = setTimeout(() => this.#close(ctx, 'inactivity', false), this.#inactivityMs);
    ctx.idleTimer.unref();
  }

  #flush(ctx: Context): void {
    ctx.firstFlushAt ??= Date.now();
    // Kept as sent (with its trailing space), so the alignment carries the spaces between sentences.
    const text = ctx.buffer;
    ctx.buffer = '';
    if (text.trim()) ctx.queue.push(text);
    void this.#generate(ctx);
  }

  #close(ctx: Context, by: NonNullable<ContextRecord['closedBy']>, flush: boolean): void {
    if (ctx.closed) return;
    ctx.closed = true;
    ctx.rec.closedBy = by;
    clearTimeout(ctx.idleTimer);
    if (flush) this.#flush(ctx);
    else if (ctx.buffer.trim()) {
      // Unflushed text is never spoken: the client gave it up.
      ctx.rec.cancelled = true;
      this.rec.cancelled = true;
    }
    ctx.buffer = '';
    this.#maybeFinish(ctx);
  }

  async #generate(ctx: Context): Promise<void> {
    if (ctx.generating || this.settings.mode === 'silent') return;
    ctx.generating = true;
    try {
      while (ctx.queue.length > 0 && this.#alive) {
        const text = ctx.queue[0]!;
        const pcm = await this.settings.speech.pcm(text.trim(), this.settings.rate);
        if (ctx.rec.firstAudioAt === undefined) {
          await sleep(ctx.firstFlushAt! + this.settings.latencyMs - Date.now());
        }
        const chunks = speechChunks(text, pcm, this.settings.rate, this.settings.chunkMs);
        for (const [i, chunk] of chunks.entries()) {
          if (!this.#alive) return;
          if (i > 0 && this.settings.chunkIntervalMs > 0) await sleep(this.settings.chunkIntervalMs);
          if (!this.#alive) return;
          this.#send({
            audio: chunk.pcm.toString('base64'),
            isFinal: false,
            ...(this.#syncAlignment
              ? { normalizedAlignment: chunk.alignment, alignment: chunk.alignment }
              : {}),
            contextId: ctx.rec.id,
          });
          const now = Date.now();
          ctx.rec.firstAudioAt ??= now;
          this.rec.firstOutputAt ??= now;
          ctx.rec.audioBytes += chunk.pcm.length;
          if (this.settings.mode === 'drop') {
            this.rec.fault = 'drop';
            this.#closedByServer = true;
            this.ws.terminate();
            return;
          }
        }
        ctx.queue.shift();
      }
    } finally {
      ctx.generating = false;
    }
    this.#maybeFinish(ctx);
  }

  #maybeFinish(ctx: Context): void {
    if (!ctx.closed || ctx.generating || ctx.queue.length > 0 || ctx.rec.final || !this.#alive) return;
    if (this.settings.mode === 'silent') return;
    ctx.rec.final = true;
    this.#send({ isFinal: true, contextId: ctx.rec.id });
    this.#maybeCloseSocket();
  }

  #maybeCloseSocket(): void {
    if (!this.#closingSocket) return;
    if ([...this.#contexts.values()].every((c) => c.rec.final)) this.ws.close(1000);
  }

  #send(msg: Record<string, unknown>): void {
    if (this.#alive && this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(msg));
  }

  #syncText(): void {
    this.rec.text = this.rec
      .contexts!.map((c) => c.text)
      .filter(Boolean)
      .join(' ');
  }

  #onClose(): void {
    this.#alive = false;
    this.rec.doneAt = Date.now();
    for (const ctx of this.#contexts.values()) {
      clearTimeout(ctx.idleTimer);
      const unsent = ctx.queue.length > 0 || ctx.generating || ctx.buffer.trim() !== '';
      if (!ctx.rec.final && unsent && !this.#closedByServer) {
        ctx.rec.cancelled = true;
        this.rec.cancelled = true;
      }
    }
  }
}
