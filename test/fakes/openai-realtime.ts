/**
 * A local stand-in for the OpenAI Realtime API (GA protocol), speaking the websocket events exactly
 * as `@livekit/agents-plugin-openai` 1.9's `openai.realtime.RealtimeModel` uses them:
 *
 *  - `ws://127.0.0.1:PORT/v1/realtime?model=…` with `Authorization: Bearer <key>`
 *    (what the client builds from `baseURL: 'http://127.0.0.1:PORT/v1'`);
 *  - server-side VAD over the appended PCM16 24 kHz audio (RMS of 20 ms windows), then
 *    `speech_started` / `speech_stopped` / `committed`, the user item, its input transcription and
 *    an automatic response (server_vad with `create_response`), or a response on `response.create`;
 *  - replies as `output_audio` (flite speech resampled to 24 kHz, in 100 ms deltas, with the
 *    transcript) or, when the session's `output_modalities` is `['text']`, as `output_text`;
 *  - failure knobs (rejected upgrades, failed responses, dropped sockets, slow first audio), and
 *    the {@link FakeProviderControl} knobs the provider conformance suites use (test/providers/).
 *
 * It records what it received so tests can assert on the client's behaviour.
 */
import { randomUUID } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { resamplePcm16 } from '../../src/audio/resample.ts';
import { FliteSynthesizer } from '../../src/providers/flite/index.ts';
import type { FakeProviderControl, FakeRequestRecord } from './control.ts';
import { modelList } from './openai-rest.ts';

const RATE = 24_000;
/** The key {@link FakeRealtimeServer.apiKey} reports when none was configured (any key is accepted then). */
const ANY_KEY = 'sk-fake';
const WINDOW = RATE / 50; // 20 ms
const DELTA_SAMPLES = RATE / 10; // 100 ms

/** What a reply (or transcript) function is told about the response it is producing. */
export interface ReplyContext {
  /** 1-based index of the response across the server's lifetime. */
  n: number;
  /** 1-based index of the user turn it answers (0 for a response the client asked for before any turn). */
  turn: number;
  /** Why it was produced. */
  trigger: 'vad' | 'response.create';
  /** Instructions from `response.create`, if any. */
  instructions?: string;
  /** 1-based index of the connection it runs on. */
  connection: number;
}

export interface FakeRealtimeOptions {
  /** The reply to a response; default {@link defaultReply}. */
  reply?: (ctx: ReplyContext) => string;
  /** The caller's transcript for user turn `turn` (1-based); default `caller turn N`. */
  transcript?: (turn: number) => string;
  /** RMS (in PCM16 units) above which a 20 ms window counts as speech. Default 300. */
  vadThreshold?: number;
  /** Silence that ends a turn, in ms. Default 400. */
  silenceMs?: number;
  /** Speech shorter than this is ignored, in ms. Default 100. */
  minSpeechMs?: number;
  /** Delay before the first audio (or text) delta of each response, in ms. Default 0. */
  firstAudioDelayMs?: number;
  /** Wall-clock time between 100 ms audio deltas, in ms. Default 40 (2.5× real time). */
  deltaIntervalMs?: number;
  /** The API key the client must present; default any non-empty key. */
  apiKey?: string;
}

/** A received client event, in arrival order. */
export interface ReceivedEvent {
  type: string;
  connection: number;
  at: number;
}

/** A response the server produced. */
export interface ResponseRecord {
  id: string;
  connection: number;
  trigger: ReplyContext['trigger'];
  turn: number;
  text: string;
  modality: 'audio' | 'text';
  status: 'in_progress' | 'completed' | 'cancelled' | 'failed' | 'dropped';
  createdAt: number;
  firstDeltaAt?: number;
  instructions?: string;
}

/** A failure to inject into the next response. */
type PendingFailure = { code: string; via: 'response.done' | 'error' };

/**
 * Default reply: the sentence a `Say exactly the following sentence …: "X"` instruction asks for
 * (how Parley greets through a realtime model), otherwise `Realtime reply number N.`.
 */
export function defaultReply(ctx: ReplyContext): string {
  const quoted = ctx.instructions?.match(/Say exactly the following sentence[^"]*"([^"]+)"/);
  return quoted?.[1] ?? `Realtime reply number ${ctx.n}.`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const eventId = () => `event_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
const itemId = () => `item_${randomUUID().replace(/-/g, '').slice(0, 20)}`;

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return samples.length ? Math.sqrt(sum / samples.length) : 0;
}

/** One client connection: its session, conversation, audio buffer and VAD state. */
class Connection {
  session: Record<string, any>;
  /** Conversation item ids, in order. */
  items: string[] = [];
  /** Audio appended since the last commit/clear. */
  buffer: Int16Array[] = [];
  bufferSamples = 0;
  /** Samples appended over the connection's life (VAD timeline). */
  totalSamples = 0;
  pending = new Int16Array(0);
  inSpeech = false;
  speechStartSample = 0;
  speechSamples = 0;
  silenceSamples = 0;
  speechItemId = '';
  active?: { record: ResponseRecord; cancelled: boolean; itemId: string };
  chain: Promise<void> = Promise.resolve();
  /** This connection's entry in {@link FakeRealtimeServer.requests}. */
  log?: FakeRequestRecord;
  /** The server cut the socket (a drop or shutdown), so its close is not the client hanging up. */
  closedByServer = false;

  constructor(
    readonly ws: WebSocket,
    readonly index: number,
    model: string,
  ) {
    this.session = {
      id: `sess_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
      object: 'realtime.session',
      type: 'realtime',
      model,
      output_modalities: ['audio'],
      instructions: '',
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: RATE },
          transcription: null,
          noise_reduction: null,
          turn_detection: {
            type: 'server_vad',
            threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: 500,
          },
        },
        output: { format: { type: 'audio/pcm', rate: RATE }, voice: 'marin', speed: 1 },
      },
      tools: [],
      tool_choice: 'auto',
      max_output_tokens: 'inf',
      tracing: null,
      expires_at: Math.floor(Date.now() / 1000) + 1800,
    };
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(event: Record<string, unknown>): void {
    if (this.open) this.ws.send(JSON.stringify({ event_id: eventId(), ...event }));
  }

  get modality(): 'audio' | 'text' {
    const m = this.session.output_modalities as string[] | undefined;
    return m && !m.includes('audio') ? 'text' : 'audio';
  }

  get turnDetection(): Record<string, any> | null {
    return this.session.audio?.input?.turn_detection ?? null;
  }

  /** Adds an item after `previous` (or at the end) and returns the id of the item before it. */
  addItem(id: string, previous?: string | null): string | null {
    if (previous !== undefined && previous !== null) {
      const at = this.items.indexOf(previous);
      if (at >= 0) {
        this.items.splice(at + 1, 0, id);
        return previous;
      }
    }
    const before = this.items.at(-1) ?? null;
    this.items.push(id);
    return before;
  }
}

function mergeDeep(target: Record<string, any>, patch: Record<string, any>): Record<string, any> {
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (v && typeof v === 'object' && !Array.isArray(v) && target[k] && typeof target[k] === 'object') {
      mergeDeep(target[k], v);
    } else {
      target[k] = v;
    }
  }
  return target;
}

/** The fake server. Create with {@link startFakeRealtime}. */
export class FakeRealtimeServer implements FakeProviderControl {
  /** Every client event received (audio appends included), in order. */
  readonly received: ReceivedEvent[] = [];
  /** `session` payloads of every `session.update`, in order, with the connection they came on. */
  readonly sessionUpdates: { connection: number; session: Record<string, any> }[] = [];
  /** Each connection's current session configuration (after every update), by connection index. */
  readonly sessions = new Map<number, Record<string, any>>();
  /** Every `conversation.item.create` item. */
  readonly itemsCreated: Record<string, any>[] = [];
  /** Every `response.create` event's `response` (or `{}`). */
  readonly responseCreates: Record<string, any>[] = [];
  /** Responses produced, in order. */
  readonly responses: ResponseRecord[] = [];
  /** Handshakes attempted (accepted or rejected), with their URL and Authorization header. */
  readonly handshakes: { url: string; authorization?: string; status: number }[] = [];
  /** Accepted websocket connections so far. */
  connections = 0;
  /** User turns detected (committed) so far. */
  turns = 0;
  /** Milliseconds of audio appended so far, over all connections. */
  appendedAudioMs = 0;

  firstAudioDelayMs: number;
  reply: (ctx: ReplyContext) => string;
  transcript: (turn: number) => string;
  vadThreshold: number;
  silenceMs: number;
  minSpeechMs: number;
  deltaIntervalMs: number;

  #http: Server;
  #wss = new WebSocketServer({ noServer: true });
  #live = new Set<Connection>();
  #rejectStatus: number | null = null;
  #failures: PendingFailure[] = [];
  #dropAfterAudio = false;
  #synth = new FliteSynthesizer();
  #audioCache = new Map<string, Promise<Int16Array>>();
  #responseCount = 0;
  #apiKey?: string;
  #port = 0;
  #requests: FakeRequestRecord[] = [];
  /** Upgrades to refuse next ({@link failNext}), one status each. */
  #refuseNext: number[] = [];
  #stallNext = false;
  /** Upgrades held unanswered ({@link stallNext}), destroyed on close. */
  #stalled = new Set<Duplex>();

  constructor(options: FakeRealtimeOptions = {}) {
    this.reply = options.reply ?? defaultReply;
    this.transcript = options.transcript ?? ((n) => `caller turn ${n}`);
    this.vadThreshold = options.vadThreshold ?? 300;
    this.silenceMs = options.silenceMs ?? 400;
    this.minSpeechMs = options.minSpeechMs ?? 100;
    this.firstAudioDelayMs = options.firstAudioDelayMs ?? 0;
    this.deltaIntervalMs = options.deltaIntervalMs ?? 40;
    this.#apiKey = options.apiKey;
    this.#http = createServer((req, res) => {
      const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      // `GET /v1/models` is how Parley checks a key when an organization stores it.
      if (req.method === 'GET' && req.url === '/v1/models') {
        const ok = key && (this.#apiKey === undefined || key === this.#apiKey);
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            ok
              ? modelList()
              : {
                  error: {
                    message: 'Incorrect API key provided.',
                    type: 'invalid_request_error',
                    code: 'invalid_api_key',
                  },
                },
          ),
        );
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { message: 'The fake serves only the realtime websocket and /v1/models.' } }),
      );
    });
    this.#http.on('upgrade', (req, socket, head) => this.#upgrade(req, socket, head));
  }

  /** Starts listening on 127.0.0.1 and a free port. */
  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#http.listen(0, '127.0.0.1', resolve));
    this.#port = (this.#http.address() as AddressInfo).port;
    // Compile flite now so the first response is not delayed by it.
    await this.#synth.warmup();
    return this;
  }

  get port(): number {
    return this.#port;
  }

  /** The `baseUrl` to give the OpenAI client (`http://127.0.0.1:PORT/v1`). */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.#port}/v1`;
  }

  /** Indexes of the connections whose session instructions contain `text`. */
  connectionsWith(text: string): number[] {
    return [...this.sessions].filter(([, s]) => String(s.instructions ?? '').includes(text)).map(([i]) => i);
  }

  /** Client event types received, optionally since index `from` of {@link received}. */
  types(from = 0): string[] {
    return this.received.slice(from).map((e) => e.type);
  }

  /** Rejects every websocket upgrade with this HTTP status (401, 429, 500 …) until `null` is set. */
  rejectConnections(status: number | null): void {
    this.#rejectStatus = status;
  }

  /**
   * Fails the next response: with `response.done` `status: failed` (default), or with an `error`
   * event instead of a response.
   */
  failNextResponse(code = 'server_error', via: PendingFailure['via'] = 'response.done'): void {
    this.#failures.push({ code, via });
  }

  /** Closes the socket abruptly right after the first audio (or text) delta of the next response. */
  dropAfterNextAudio(): void {
    this.#dropAfterAudio = true;
  }

  /** Clears every failure knob (rejections, queued failures, drop, delay). */
  reset(): void {
    this.#rejectStatus = null;
    this.#failures = [];
    this.#dropAfterAudio = false;
    this.firstAudioDelayMs = 0;
    this.#refuseNext = [];
    this.#stallNext = false;
    this.#requests = [];
  }

  /** Closes every live client socket (as a network drop would). */
  dropConnections(): void {
    for (const c of this.#live) {
      c.closedByServer = true;
      c.ws.terminate();
    }
  }

  // ---- FakeProviderControl ----

  /** The key to present: the configured one, or any non-empty key when none was configured. */
  get apiKey(): string {
    return this.#apiKey ?? ANY_KEY;
  }

  /** One entry per websocket upgrade (refused, stalled or accepted), oldest first. */
  get requests(): readonly FakeRequestRecord[] {
    return this.#requests;
  }

  /** Refuses the next `count` upgrades with `status` and an OpenAI error body (a 429 with `Retry-After: 0`). */
  failNext(status: number, count = 1): void {
    for (let i = 0; i < count; i++) this.#refuseNext.push(status);
  }

  /** The next connection's socket is cut right after its first audio (or text) delta. */
  dropNext(): void {
    this.dropAfterNextAudio();
  }

  /**
   * The next upgrade request is held open and never answered (no 101, no error), so the client's
   * connect timeout is what ends it.
   */
  stallNext(): void {
    this.#stallNext = true;
  }

  /** Delay before the first audio (or text) delta of every response; same as {@link firstAudioDelayMs}. */
  setLatency(ms: number): void {
    this.firstAudioDelayMs = ms;
  }

  async close(): Promise<void> {
    for (const c of this.#live) {
      if (c.active) c.active.cancelled = true;
      c.closedByServer = true;
      c.ws.terminate();
    }
    for (const socket of this.#stalled) socket.destroy();
    this.#wss.close();
    this.#http.closeAllConnections?.();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
    await this.#synth.close();
  }

  // ---- handshake ----

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const authorization = req.headers.authorization;
    const rec: FakeRequestRecord = {
      kind: 'ws',
      method: req.method ?? 'GET',
      path: url.pathname,
      status: 101,
      at: Date.now(),
      model: url.searchParams.get('model') ?? undefined,
    };
    this.#requests.push(rec);
    const refuse = (status: number, message: string, code: string, headers = '') => {
      this.handshakes.push({ url: req.url ?? '', authorization, status });
      rec.status = status;
      rec.doneAt = Date.now();
      const body = JSON.stringify({ error: { message, type: 'invalid_request_error', code, param: null } });
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
          'Content-Type: application/json\r\n' +
          headers +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          'Connection: close\r\n\r\n' +
          body,
      );
    };
    if (url.pathname.replace(/\/$/, '') !== '/v1/realtime') {
      return refuse(404, `Unknown path ${url.pathname}`, 'not_found');
    }
    const key = authorization?.match(/^Bearer (.+)$/)?.[1];
    if (!key || (this.#apiKey !== undefined && key !== this.#apiKey)) {
      return refuse(401, 'Incorrect API key provided.', 'invalid_api_key');
    }
    if (this.#stallNext) {
      this.#stallNext = false;
      // Never answered: no status went out, so the record says 0 until the client gives up.
      rec.status = 0;
      rec.fault = 'stall';
      this.#stalled.add(socket);
      socket.on('error', () => undefined);
      // Read (and drop) whatever comes, so the client giving up is seen; an upgrade socket is
      // half-open, so its end does not close it on its own.
      socket.resume();
      socket.once('end', () => socket.destroy());
      socket.once('close', () => {
        this.#stalled.delete(socket);
        rec.cancelled = true;
        rec.doneAt = Date.now();
      });
      return;
    }
    const refused = this.#refuseNext.shift();
    if (refused !== undefined) {
      rec.fault = 'fail';
      const { message, code } = refusal(refused);
      return refuse(refused, message, code, refused === 429 ? 'Retry-After: 0\r\n' : '');
    }
    if (this.#rejectStatus !== null) {
      const s = this.#rejectStatus;
      return refuse(
        s,
        s === 429
          ? 'Rate limit reached.'
          : s === 401
            ? 'Incorrect API key provided.'
            : 'The server had an error.',
        s === 429 ? 'rate_limit_exceeded' : s === 401 ? 'invalid_api_key' : 'server_error',
      );
    }
    this.handshakes.push({ url: req.url ?? '', authorization, status: 101 });
    const model = url.searchParams.get('model') ?? 'gpt-realtime';
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, model, rec));
  }

  #accept(ws: WebSocket, model: string, log: FakeRequestRecord): void {
    const conn = new Connection(ws, ++this.connections, model);
    conn.log = log;
    this.sessions.set(conn.index, conn.session);
    this.#live.add(conn);
    ws.on('close', () => {
      this.#live.delete(conn);
      // The client hung up (or barged in by closing) while a response was still going out.
      if (conn.active && !conn.active.cancelled && !conn.closedByServer) log.cancelled = true;
      log.doneAt = Date.now();
      if (conn.active) conn.active.cancelled = true;
    });
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      let event: Record<string, any>;
      try {
        event = JSON.parse(String(data));
      } catch {
        conn.send({
          type: 'error',
          error: {
            type: 'invalid_request_error',
            code: 'invalid_json',
            message: 'Invalid JSON',
            param: null,
          },
        });
        return;
      }
      this.received.push({ type: String(event.type), connection: conn.index, at: Date.now() });
      // Handle events in order; responses run in the background.
      conn.chain = conn.chain
        .then(() => this.#handle(conn, event))
        .catch((err) => {
          conn.send({
            type: 'error',
            error: { type: 'server_error', code: 'fake_error', message: String(err), param: null },
          });
        });
    });
    conn.send({ type: 'session.created', session: conn.session });
  }

  // ---- client events ----

  async #handle(conn: Connection, ev: Record<string, any>): Promise<void> {
    switch (ev.type) {
      case 'session.update': {
        this.sessionUpdates.push({ connection: conn.index, session: ev.session ?? {} });
        mergeDeep(conn.session, structuredClone(ev.session ?? {}));
        conn.send({ type: 'session.updated', session: conn.session });
        return;
      }
      case 'input_audio_buffer.append': {
        const bytes = Buffer.from(String(ev.audio ?? ''), 'base64');
        const samples = new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 2)).slice();
        this.appendedAudioMs += (samples.length * 1000) / RATE;
        this.#append(conn, samples);
        return;
      }
      case 'input_audio_buffer.commit': {
        if (conn.bufferSamples < RATE / 10) {
          conn.send({
            type: 'error',
            error: {
              type: 'invalid_request_error',
              code: 'input_audio_buffer_commit_empty',
              message: 'Error committing input audio buffer: buffer too small.',
              param: null,
              event_id: ev.event_id,
            },
          });
          return;
        }
        this.#commit(conn, conn.speechItemId || itemId());
        return;
      }
      case 'input_audio_buffer.clear': {
        conn.buffer = [];
        conn.bufferSamples = 0;
        conn.inSpeech = false;
        conn.speechSamples = conn.silenceSamples = 0;
        conn.send({ type: 'input_audio_buffer.cleared' });
        return;
      }
      case 'conversation.item.create': {
        const item = { object: 'realtime.item', status: 'completed', ...(ev.item ?? {}) };
        item.id ??= itemId();
        this.itemsCreated.push(item);
        const previous = conn.addItem(item.id, ev.previous_item_id);
        conn.send({ type: 'conversation.item.added', previous_item_id: previous, item });
        conn.send({ type: 'conversation.item.done', previous_item_id: previous, item });
        return;
      }
      case 'conversation.item.delete': {
        const at = conn.items.indexOf(ev.item_id);
        if (at < 0) {
          conn.send({
            type: 'error',
            error: {
              type: 'invalid_request_error',
              code: 'item_not_found',
              message: `Item with item_id not found: ${ev.item_id}`,
              param: 'item_id',
              event_id: ev.event_id,
            },
          });
          return;
        }
        conn.items.splice(at, 1);
        conn.send({ type: 'conversation.item.deleted', item_id: ev.item_id });
        return;
      }
      case 'conversation.item.truncate': {
        conn.send({
          type: 'conversation.item.truncated',
          item_id: ev.item_id,
          content_index: ev.content_index ?? 0,
          audio_end_ms: ev.audio_end_ms ?? 0,
        });
        return;
      }
      case 'response.create': {
        this.responseCreates.push(ev.response ?? {});
        if (conn.active) {
          conn.send({
            type: 'error',
            error: {
              type: 'invalid_request_error',
              code: 'conversation_already_has_active_response',
              message: `Conversation already has an active response in progress: ${conn.active.record.id}.`,
              param: null,
              event_id: ev.event_id,
            },
          });
          return;
        }
        this.#respond(conn, 'response.create', ev.response ?? {}, ev.event_id);
        return;
      }
      case 'response.cancel': {
        if (!conn.active) {
          conn.send({
            type: 'error',
            error: {
              type: 'invalid_request_error',
              code: 'response_cancel_not_active',
              message: 'Cancellation failed: no active response found',
              param: null,
              event_id: ev.event_id,
            },
          });
          return;
        }
        conn.active.cancelled = true;
        if (conn.log) conn.log.cancelled = true;
        return;
      }
      default:
        conn.send({
          type: 'error',
          error: {
            type: 'invalid_request_error',
            code: 'unknown_event',
            message: `Invalid value: '${ev.type}'.`,
            param: 'type',
            event_id: ev.event_id,
          },
        });
    }
  }

  // ---- server VAD ----

  #append(conn: Connection, samples: Int16Array): void {
    conn.buffer.push(samples);
    conn.bufferSamples += samples.length;
    const td = conn.turnDetection;
    if (!td) {
      conn.totalSamples += samples.length;
      return;
    }
    // Analyse in 20 ms windows; keep the remainder for the next append.
    let data = samples;
    if (conn.pending.length) {
      data = new Int16Array(conn.pending.length + samples.length);
      data.set(conn.pending);
      data.set(samples, conn.pending.length);
    }
    let off = 0;
    for (; off + WINDOW <= data.length; off += WINDOW) {
      this.#vadWindow(conn, data.subarray(off, off + WINDOW));
    }
    conn.pending = data.slice(off);
  }

  #vadWindow(conn: Connection, window: Int16Array): void {
    const loud = rms(window) > this.vadThreshold;
    const startSample = conn.totalSamples;
    conn.totalSamples += window.length;
    const ms = (samples: number) => Math.round((samples * 1000) / RATE);
    if (!conn.inSpeech) {
      if (!loud) {
        conn.speechSamples = 0;
        return;
      }
      if (conn.speechSamples === 0) conn.speechStartSample = startSample;
      conn.speechSamples += window.length;
      if (ms(conn.speechSamples) < this.minSpeechMs) return;
      conn.inSpeech = true;
      conn.silenceSamples = 0;
      conn.speechItemId = itemId();
      conn.send({
        type: 'input_audio_buffer.speech_started',
        audio_start_ms: Math.max(0, ms(conn.speechStartSample) - 300),
        item_id: conn.speechItemId,
      });
      // interrupt_response (default true): speech cancels the response in progress.
      if (conn.active && conn.turnDetection?.interrupt_response !== false) conn.active.cancelled = true;
      return;
    }
    if (loud) {
      conn.silenceSamples = 0;
      return;
    }
    conn.silenceSamples += window.length;
    if (ms(conn.silenceSamples) < this.silenceMs) return;
    conn.inSpeech = false;
    conn.speechSamples = 0;
    const id = conn.speechItemId;
    conn.send({
      type: 'input_audio_buffer.speech_stopped',
      audio_end_ms: ms(conn.totalSamples - conn.silenceSamples),
      item_id: id,
    });
    this.#commit(conn, id);
    conn.speechItemId = '';
    const td = conn.turnDetection;
    if (td?.create_response !== false && !conn.active) this.#respond(conn, 'vad', {});
  }

  /** Commits the buffer as a user item and transcribes it. */
  #commit(conn: Connection, id: string): void {
    conn.buffer = [];
    conn.bufferSamples = 0;
    const turn = ++this.turns;
    const previous = conn.addItem(id);
    conn.send({ type: 'input_audio_buffer.committed', previous_item_id: previous, item_id: id });
    const item = {
      id,
      object: 'realtime.item',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio', transcript: null }],
    };
    conn.send({ type: 'conversation.item.added', previous_item_id: previous, item });
    conn.send({ type: 'conversation.item.done', previous_item_id: previous, item });
    if (conn.session.audio?.input?.transcription) {
      const transcript = this.transcript(turn);
      conn.send({
        type: 'conversation.item.input_audio_transcription.delta',
        item_id: id,
        content_index: 0,
        delta: transcript,
      });
      conn.send({
        type: 'conversation.item.input_audio_transcription.completed',
        item_id: id,
        content_index: 0,
        transcript,
        usage: { type: 'duration', seconds: 1 },
      });
    }
  }

  // ---- responses ----

  #audioFor(text: string): Promise<Int16Array> {
    let p = this.#audioCache.get(text);
    if (!p) {
      p = this.#synth.synthesize(text, 'kal16').then((r) => resamplePcm16(r.samples, r.sampleRate, RATE));
      this.#audioCache.set(text, p);
    }
    return p;
  }

  #respond(
    conn: Connection,
    trigger: ReplyContext['trigger'],
    request: Record<string, any>,
    clientEventId?: string,
  ) {
    const n = ++this.#responseCount;
    const record: ResponseRecord = {
      id: `resp_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
      connection: conn.index,
      trigger,
      turn: this.turns,
      text: '',
      modality: conn.modality,
      status: 'in_progress',
      createdAt: Date.now(),
      instructions: request.instructions,
    };
    this.responses.push(record);
    const active = { record, cancelled: false, itemId: itemId() };
    conn.active = active;
    void this.#runResponse(conn, active, n, trigger, request, clientEventId)
      .catch((err) => {
        conn.send({
          type: 'error',
          error: { type: 'server_error', code: 'fake_error', message: String(err), param: null },
        });
      })
      .finally(() => {
        if (conn.active === active) conn.active = undefined;
      });
  }

  async #runResponse(
    conn: Connection,
    active: NonNullable<Connection['active']>,
    n: number,
    trigger: ReplyContext['trigger'],
    request: Record<string, any>,
    clientEventId?: string,
  ): Promise<void> {
    const { record } = active;
    const metadata = request.metadata ?? null;
    const modality = record.modality;
    const base = { object: 'realtime.response', id: record.id, conversation_id: 'conv_fake', metadata };
    const failure = this.#failures.shift();

    if (failure?.via === 'error') {
      record.status = 'failed';
      conn.send({
        type: 'error',
        error: {
          type: failure.code === 'server_error' ? 'server_error' : 'invalid_request_error',
          code: failure.code,
          message: `The fake failed this response (${failure.code}).`,
          param: null,
          event_id: clientEventId ?? null,
        },
      });
      return;
    }

    conn.send({
      type: 'response.created',
      response: {
        ...base,
        status: 'in_progress',
        status_details: null,
        output: [],
        output_modalities: [modality],
        usage: null,
      },
    });

    if (failure) {
      record.status = 'failed';
      conn.send({
        type: 'response.done',
        response: {
          ...base,
          status: 'failed',
          status_details: {
            type: 'failed',
            error: {
              type: failure.code,
              code: failure.code,
              message: `The fake failed this response (${failure.code}).`,
            },
          },
          output: [],
          output_modalities: [modality],
          usage: usage(0),
        },
      });
      return;
    }

    const text = this.reply({
      n,
      turn: record.turn,
      trigger,
      instructions: request.instructions,
      connection: conn.index,
    });
    record.text = text;
    if (conn.log) conn.log.text = text;
    const id = active.itemId;
    const item = {
      id,
      object: 'realtime.item',
      type: 'message',
      status: 'in_progress',
      role: 'assistant',
      content: [],
    };
    conn.send({ type: 'response.output_item.added', response_id: record.id, output_index: 0, item });
    const previous = conn.addItem(id);
    conn.send({ type: 'conversation.item.added', previous_item_id: previous, item });
    const partType = modality === 'audio' ? 'output_audio' : 'output_text';
    const where = { response_id: record.id, item_id: id, output_index: 0, content_index: 0 };
    conn.send({
      type: 'response.content_part.added',
      ...where,
      part: modality === 'audio' ? { type: partType, transcript: '' } : { type: partType, text: '' },
    });

    const audio = modality === 'audio' ? await this.#audioFor(text) : new Int16Array(0);
    const waitUntil = record.createdAt + this.firstAudioDelayMs;
    if (Date.now() < waitUntil) await sleep(waitUntil - Date.now());

    const words = text.split(/(?<=\s)/);
    let sentSamples = 0;
    let first = true;
    const afterFirstDelta = () => {
      if (!first) return;
      first = false;
      record.firstDeltaAt = Date.now();
      if (conn.log) conn.log.firstOutputAt ??= record.firstDeltaAt;
      if (this.#dropAfterAudio) {
        this.#dropAfterAudio = false;
        record.status = 'dropped';
        conn.closedByServer = true;
        if (conn.log) conn.log.fault = 'drop';
        conn.ws.terminate();
      }
    };
    if (modality === 'text') {
      for (const w of words) {
        if (active.cancelled || !conn.open) break;
        conn.send({ type: 'response.output_text.delta', ...where, delta: w });
        afterFirstDelta();
        await sleep(5);
      }
    } else {
      // The transcript runs slightly ahead of the audio, as OpenAI's does.
      const chunks = Math.ceil(audio.length / DELTA_SAMPLES);
      for (let i = 0; i < Math.max(chunks, words.length); i++) {
        if (active.cancelled || !conn.open) break;
        if (i < words.length)
          conn.send({ type: 'response.output_audio_transcript.delta', ...where, delta: words[i] });
        if (i < chunks) {
          const chunk = audio.subarray(i * DELTA_SAMPLES, (i + 1) * DELTA_SAMPLES);
          sentSamples += chunk.length;
          conn.send({
            type: 'response.output_audio.delta',
            ...where,
            delta: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64'),
          });
          afterFirstDelta();
          await sleep(this.deltaIntervalMs);
        }
      }
    }
    if (!conn.open) {
      if (record.status === 'in_progress') record.status = 'dropped';
      return;
    }

    const cancelled = active.cancelled;
    const sentText = cancelled ? '' : text;
    if (modality === 'text') {
      conn.send({ type: 'response.output_text.done', ...where, text: sentText });
      conn.send({ type: 'response.content_part.done', ...where, part: { type: partType, text: sentText } });
    } else {
      conn.send({ type: 'response.output_audio.done', ...where });
      conn.send({ type: 'response.output_audio_transcript.done', ...where, transcript: sentText });
      conn.send({
        type: 'response.content_part.done',
        ...where,
        part: { type: partType, transcript: sentText },
      });
    }
    const doneItem = {
      ...item,
      status: cancelled ? 'incomplete' : 'completed',
      content: [
        modality === 'audio' ? { type: partType, transcript: sentText } : { type: partType, text: sentText },
      ],
    };
    conn.send({ type: 'response.output_item.done', response_id: record.id, output_index: 0, item: doneItem });
    conn.send({ type: 'conversation.item.done', previous_item_id: previous, item: doneItem });
    record.status = cancelled ? 'cancelled' : 'completed';
    conn.send({
      type: 'response.done',
      response: {
        ...base,
        status: record.status,
        status_details: cancelled ? { type: 'cancelled', reason: 'client_cancelled' } : null,
        output: [doneItem],
        output_modalities: [modality],
        usage: usage(Math.round((sentSamples * 1000) / RATE / 50) + words.length),
      },
    });
  }
}

/** What OpenAI says when it refuses a connection with `status` ({@link FakeRealtimeServer.failNext}). */
function refusal(status: number): { message: string; code: string } {
  if (status === 401) return { message: 'Incorrect API key provided.', code: 'invalid_api_key' };
  if (status === 403) return { message: 'You are not allowed to use this model.', code: 'model_not_allowed' };
  if (status === 404) return { message: 'The model does not exist.', code: 'model_not_found' };
  if (status === 429) return { message: 'Rate limit reached.', code: 'rate_limit_exceeded' };
  return { message: 'The server had an error.', code: 'server_error' };
}

function usage(outputTokens: number) {
  return {
    total_tokens: 100 + outputTokens,
    input_tokens: 100,
    output_tokens: outputTokens,
    input_token_details: {
      text_tokens: 80,
      audio_tokens: 20,
      image_tokens: 0,
      cached_tokens: 0,
      cached_tokens_details: { text_tokens: 0, audio_tokens: 0, image_tokens: 0 },
    },
    output_token_details: { text_tokens: outputTokens, audio_tokens: 0 },
  };
}

/** Starts a fake OpenAI Realtime server on 127.0.0.1 and a free port. */
export function startFakeRealtime(options: FakeRealtimeOptions = {}): Promise<FakeRealtimeServer> {
  return new FakeRealtimeServer(options).listen();
}
