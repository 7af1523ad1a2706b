/**
 * A local stand-in for Cartesia's API (`Cartesia-Version` 2026-03-01), speaking its wire protocol:
 *
 *  - `wss://…/tts/websocket` (here `ws://127.0.0.1:PORT/tts/websocket`): the key as `X-API-Key`,
 *    `Authorization: Bearer` or `?api_key=`, the version as `Cartesia-Version` or
 *    `?cartesia_version=` (the query wins). Several contexts per socket, each opened by a
 *    generation request (`context_id`, `model_id`, `transcript`, `voice {mode: 'id', id}`,
 *    `output_format {container: 'raw', encoding: 'pcm_s16le', sample_rate}`, `language`,
 *    `continue`, `add_timestamps`, `max_buffer_delay_ms`, `generation_config.speed`), continued
 *    with `continue: true`, closed with `continue: false`, stopped with `{context_id, cancel: true}`.
 *    Answers `chunk` (base64 PCM), `timestamps` (`word_timestamps`), `done`, and `error` events in
 *    Cartesia's structured form (`status_code`, `error_code`, `title`, `message`, `request_id`).
 *  - `POST /tts/bytes`: the raw PCM as a streamed body.
 *  - `GET /voices`: Cartesia's voice objects, paginated with `limit`, `starting_after`, `has_more`.
 *
 * Speech is flite's (`kal16`) at the requested sample rate; a context speaks complete sentences as
 * they arrive and the rest when it closes (Cartesia's managed buffering). Refused requests get
 * Cartesia's HTTP statuses and JSON error bodies. The {@link FakeProviderControl} knobs apply to
 * whatever comes next: `failNext` to a request, a websocket upgrade or a new context (an error
 * event, as Cartesia reports a context over its concurrency limit); `dropNext` to the next
 * streamed body or context; `stallNext` to the next request or context (or, with `'handshake'`,
 * to the next upgrade).
 */
import { randomUUID } from 'node:crypto';
import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { resamplePcm16 } from '../../src/audio/resample.ts';
import { builtinVoices } from '../../src/catalog/index.ts';
import {
  prepareFliteText,
  sharedFliteSynthesizer,
  type FliteSynthesizer,
  type FliteVoice,
} from '../../src/providers/flite/index.ts';
import {
  durationStretch,
  FakeContext,
  type CartesiaRequestRecord,
  type ContextEnv,
} from './cartesia-context.ts';
import { FAKE_CARTESIA_VOICES, type FakeCartesiaVoice } from './cartesia-voices.ts';
import {
  authenticate,
  CartesiaHttpError,
  errorBody,
  faultError,
  validateGeneration,
} from './cartesia-protocol.ts';
import type { FakeProviderControl } from './control.ts';

export type { CartesiaRequestRecord } from './cartesia-context.ts';
export { CARTESIA_VERSIONS } from './cartesia-protocol.ts';
export { CUSTOM_VOICE, FAKE_CARTESIA_VOICES, type FakeCartesiaVoice } from './cartesia-voices.ts';

/** How {@link startCartesiaFake} sets the fake up. */
export interface FakeCartesiaOptions {
  /** The key the fake accepts; default `sk_car_fake_parley`. */
  apiKey?: string;
  /** The voices `GET /voices` lists; default {@link FAKE_CARTESIA_VOICES}. */
  voices?: readonly FakeCartesiaVoice[];
  /** The most voices one page holds, whatever `limit` asks (to exercise pagination). Default 100. */
  maxPageSize?: number;
  /** Audio per `chunk` message (and per body write), ms. Default 50. */
  chunkMs?: number;
  /** Wall-clock time between chunks, ms. Default 10 (5× real time). */
  chunkIntervalMs?: number;
  /** The flite voice that does the speaking. Default `kal16`. */
  fliteVoice?: FliteVoice;
}

interface Connection {
  index: number;
  ws: WebSocket;
  contexts: Map<string, FakeContext>;
  /** Contexts refused with an error event: later input on them is refused too. */
  refused: Set<string>;
  apiKeyVia: CartesiaRequestRecord['apiKeyVia'];
  version: string;
  droppedByFake: boolean;
}

/** The fake Cartesia API. Start it with {@link startCartesiaFake}. */
export class FakeCartesia implements FakeProviderControl {
  readonly apiKey: string;
  readonly requests: CartesiaRequestRecord[] = [];
  /** Websocket connections accepted since the last {@link reset}. */
  connections = 0;

  readonly #voices: readonly FakeCartesiaVoice[];
  readonly #knownVoices: Set<string>;
  readonly #maxPageSize: number;
  readonly #chunkMs: number;
  readonly #chunkIntervalMs: number;
  readonly #fliteVoice: FliteVoice;
  readonly #http: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #live = new Set<Connection>();
  readonly #held = new Set<Socket | Duplex>();
  // The process-wide synthesizer, held while the fake runs: private FliteSynthesizers in one
  // process share worker scratch directories, and closing one breaks the others.
  readonly #synth: FliteSynthesizer = sharedFliteSynthesizer();
  readonly #speech = new Map<string, Promise<Int16Array>>();
  #fail: { status: number; remaining: number } | undefined;
  #drop = false;
  #stall: 'response' | 'handshake' | undefined;
  #latencyMs = 0;
  #port = 0;
  #connectionCount = 0;

  constructor(options: FakeCartesiaOptions = {}) {
    this.apiKey = options.apiKey ?? 'sk_car_fake_parley';
    this.#voices = options.voices ?? FAKE_CARTESIA_VOICES;
    this.#knownVoices = new Set([
      ...this.#voices.map((v) => v.id),
      ...builtinVoices.filter((v) => v.provider === 'cartesia').map((v) => v.id),
    ]);
    this.#maxPageSize = options.maxPageSize ?? 100;
    this.#chunkMs = options.chunkMs ?? 50;
    this.#chunkIntervalMs = options.chunkIntervalMs ?? 10;
    this.#fliteVoice = options.fliteVoice ?? 'kal16';
    this.#http = createServer((req, res) => void this.#handle(req, res));
    this.#http.on('upgrade', (req, socket, head) => this.#upgrade(req, socket, head));
    this.#synth.retain();
  }

  /** `http://127.0.0.1:PORT`: what an organization stores as the Cartesia `baseUrl`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** `GET /voices` requests served since the last {@link reset}. */
  get voiceListRequests(): number {
    return this.requests.filter((r) => r.kind === 'http' && r.path === '/voices').length;
  }

  /** The websocket contexts, oldest first. */
  get contexts(): CartesiaRequestRecord[] {
    return this.requests.filter((r) => r.kind === 'ws' && r.contextId !== undefined);
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(0, '127.0.0.1', () => resolve());
    });
    this.#port = (this.#http.address() as AddressInfo).port;
    // Compile flite now so the first request is not slowed by it.
    await this.#synth.warmup();
    return this;
  }

  failNext(status: number, count = 1): void {
    this.#fail = { status, remaining: count };
  }

  dropNext(): void {
    this.#drop = true;
  }

  /**
   * The next request or context is accepted and never answered; with `'handshake'`, the next
   * websocket upgrade is never answered instead.
   */
  stallNext(at: 'response' | 'handshake' = 'response'): void {
    this.#stall = at;
  }

  setLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  reset(): void {
    this.#fail = undefined;
    this.#drop = false;
    this.#stall = undefined;
    this.#latencyMs = 0;
    this.requests.length = 0;
    this.connections = 0;
  }

  /** Closes every client websocket abruptly, as a network failure would. */
  dropConnections(): void {
    for (const c of this.#live) {
      c.droppedByFake = true;
      c.ws.terminate();
    }
  }

  async close(): Promise<void> {
    for (const c of this.#live) {
      for (const ctx of c.contexts.values()) ctx.stop(false);
      c.ws.terminate();
    }
    for (const s of this.#held) s.destroy();
    this.#wss.close();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
    await this.#synth.release();
  }

  /** The speech the fake produces for `text` (PCM16 mono at `sampleRate`). */
  speech(text: string, sampleRate: number, durationStretch = 1): Promise<Int16Array> {
    const key = `${sampleRate}\u0000${durationStretch}\u0000${text}`;
    let cached = this.#speech.get(key);
    if (!cached) {
      const prepared = prepareFliteText(text);
      cached = prepared
        ? this.#synth
            .synthesize(prepared, this.#fliteVoice, durationStretch)
            .then((r) => resamplePcm16(r.samples, r.sampleRate, sampleRate))
        : Promise.resolve(new Int16Array(0));
      cached.catch(() => this.#speech.delete(key));
      this.#speech.set(key, cached);
    }
    return cached;
  }

  // ---- faults ----

  #takeFail(): CartesiaHttpError | undefined {
    if (!this.#fail) return undefined;
    const error = faultError(this.#fail.status);
    if (--this.#fail.remaining <= 0) this.#fail = undefined;
    return error;
  }

  #takeStall(at: 'response' | 'handshake'): boolean {
    if (this.#stall !== at) return false;
    this.#stall = undefined;
    return true;
  }

  #takeDrop(): boolean {
    const drop = this.#drop;
    this.#drop = false;
    return drop;
  }

  // ---- HTTP ----

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const rec: CartesiaRequestRecord = {
      kind: 'http',
      method: req.method ?? 'GET',
      path,
      status: 200,
      at: Date.now(),
      query: Object.fromEntries(url.searchParams),
    };
    this.requests.push(rec);
    const requestId = randomUUID();
    try {
      const raw = await new Promise<Buffer>((resolve, reject) => {
        const parts: Buffer[] = [];
        req.on('data', (d: Buffer) => parts.push(d));
        req.on('end', () => resolve(Buffer.concat(parts)));
        req.on('error', reject);
      });
      if (this.#takeStall('response')) {
        Object.assign(rec, { fault: 'stall', status: 0 });
        this.#held.add(req.socket);
        return;
      }
      const failure = this.#takeFail();
      if (failure) {
        rec.fault = 'fail';
        throw failure;
      }
      const { via, version } = authenticate(req, url, this.apiKey, false);
      Object.assign(rec, { apiKeyVia: via, version });
      if (req.method === 'GET' && path === '/voices') this.#listVoices(url, res);
      else if (req.method === 'POST' && path === '/tts/bytes') await this.#bytes(rec, raw, res);
      else throw new CartesiaHttpError(404, 'Not Found', `No route for ${req.method} ${path}.`);
      rec.doneAt ??= Date.now();
    } catch (err) {
      const e =
        err instanceof CartesiaHttpError
          ? err
          : new CartesiaHttpError(500, 'Internal Server Error', String(err));
      rec.status = e.status;
      rec.doneAt = Date.now();
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(e.status, {
        'content-type': 'application/json',
        'x-request-id': requestId,
        ...(e.status === 429 ? { 'retry-after': '0' } : {}),
      });
      res.end(JSON.stringify(errorBody(e, requestId)));
    }
  }

  #listVoices(url: URL, res: ServerResponse): void {
    const limitParam = url.searchParams.get('limit');
    const limit = limitParam === null ? 10 : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw new CartesiaHttpError(
        400,
        'Invalid limit',
        'limit must be an integer between 1 and 100.',
        'invalid_request',
      );
    }
    let voices = [...this.#voices];
    if (url.searchParams.get('is_owner') === 'true') voices = voices.filter((v) => v.is_owner);
    const gender = url.searchParams.get('gender');
    if (gender) voices = voices.filter((v) => v.gender === gender);
    let start = 0;
    const after = url.searchParams.get('starting_after');
    if (after) {
      const i = voices.findIndex((v) => v.id === after);
      if (i < 0)
        throw new CartesiaHttpError(
          400,
          'Invalid cursor',
          `No voice ${after} to start after.`,
          'invalid_request',
        );
      start = i + 1;
    }
    const page = voices.slice(start, start + Math.min(limit, this.#maxPageSize));
    const hasMore = start + page.length < voices.length;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        data: page,
        has_more: hasMore,
        next_page: hasMore ? (page.at(-1)?.id ?? null) : null,
      }),
    );
  }

  async #bytes(rec: CartesiaRequestRecord, raw: Buffer, res: ServerResponse): Promise<void> {
    let body: Record<string, any>;
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, any>;
    } catch {
      throw new CartesiaHttpError(400, 'Invalid JSON', 'The request body is not JSON.');
    }
    validateGeneration(body, this.#knownVoices, false);
    if (!body.transcript.trim()) throw new CartesiaHttpError(400, 'Invalid request', 'transcript is empty.');
    Object.assign(rec, {
      body,
      model: body.model_id,
      text: body.transcript,
      voice: body.voice.id,
      sampleRate: body.output_format.sample_rate,
      language: body.language,
    });
    const pcm = await this.speech(body.transcript, body.output_format.sample_rate, durationStretch(body));
    const drop = this.#takeDrop();
    let closed = false;
    res.on('close', () => {
      if (!res.writableEnded) {
        closed = true;
        if (!rec.fault) rec.cancelled = true;
        rec.doneAt ??= Date.now();
      }
    });
    await new Promise((r) => setTimeout(r, Math.max(0, rec.at + this.#latencyMs - Date.now())));
    if (closed) return;
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' });
    const chunkBytes = Math.max(2, Math.round((body.output_format.sample_rate * this.#chunkMs) / 1000) * 2);
    const bytes = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    for (let o = 0; o < bytes.length; o += chunkBytes) {
      if (o > 0 && this.#chunkIntervalMs > 0) await new Promise((r) => setTimeout(r, this.#chunkIntervalMs));
      if (closed) return;
      // When dropping, the first audio reaches the client before the socket is cut.
      res.write(bytes.subarray(o, o + chunkBytes), drop ? () => res.socket?.destroy() : undefined);
      rec.firstOutputAt ??= Date.now();
      rec.chunks = (rec.chunks ?? 0) + 1;
      rec.bytes = (rec.bytes ?? 0) + Math.min(chunkBytes, bytes.length - o);
      if (drop) {
        rec.fault = 'drop';
        return;
      }
    }
    res.end();
    rec.doneAt = Date.now();
  }

  // ---- websocket ----

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const rec: CartesiaRequestRecord = {
      kind: 'ws',
      method: 'GET',
      path,
      status: 101,
      at: Date.now(),
      query: Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'api_key')),
    };
    const refuse = (e: CartesiaHttpError) => {
      rec.status = e.status;
      rec.doneAt = Date.now();
      this.requests.push(rec);
      const requestId = randomUUID();
      const body = JSON.stringify(errorBody(e, requestId));
      socket.end(
        `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status] ?? 'Error'}\r\n` +
          'Content-Type: application/json\r\n' +
          `X-Request-Id: ${requestId}\r\n` +
          (e.status === 429 ? 'Retry-After: 0\r\n' : '') +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          'Connection: close\r\n\r\n' +
          body,
      );
    };
    if (this.#takeStall('handshake')) {
      Object.assign(rec, { fault: 'stall', status: 0 });
      this.requests.push(rec);
      this.#held.add(socket);
      socket.on('close', () => {
        this.#held.delete(socket);
        rec.cancelled = true;
        rec.doneAt = Date.now();
      });
      return;
    }
    if (path !== '/tts/websocket')
      return refuse(new CartesiaHttpError(404, 'Not Found', `No websocket at ${path}.`));
    const failure = this.#takeFail();
    if (failure) {
      rec.fault = 'fail';
      return refuse(failure);
    }
    let auth: { via: CartesiaRequestRecord['apiKeyVia']; version: string };
    try {
      auth = authenticate(req, url, this.apiKey, true);
    } catch (e) {
      return refuse(e as CartesiaHttpError);
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.connections++;
      const conn: Connection = {
        index: ++this.#connectionCount,
        ws,
        contexts: new Map(),
        refused: new Set(),
        apiKeyVia: auth.via,
        version: auth.version,
        droppedByFake: false,
      };
      this.#live.add(conn);
      ws.on('error', () => undefined);
      ws.on('close', () => {
        this.#live.delete(conn);
        // The client went away with contexts unfinished: they count as cancelled.
        for (const ctx of conn.contexts.values()) ctx.stop(!conn.droppedByFake);
      });
      ws.on('message', (data, isBinary) => this.#message(conn, isBinary ? '' : data.toString()));
    });
  }

  #message(conn: Connection, raw: string): void {
    const send = (message: object, flushed?: () => void) => {
      if (conn.ws.readyState !== WebSocket.OPEN) return false;
      conn.ws.send(JSON.stringify(message), flushed && (() => flushed()));
      return true;
    };
    const errorEvent = (e: CartesiaHttpError, contextId?: string) =>
      send({
        type: 'error',
        done: true,
        status_code: e.status,
        ...errorBody(e, contextId ? `${randomUUID()}:${contextId}` : randomUUID()),
        ...(contextId ? { context_id: contextId } : {}),
      });
    let msg: Record<string, any>;
    try {
      msg = JSON.parse(raw) as Record<string, any>;
      if (!msg || typeof msg !== 'object') throw new Error('not an object');
    } catch {
      errorEvent(new CartesiaHttpError(400, 'Invalid message', 'Messages must be JSON objects.'));
      return;
    }
    const contextId = typeof msg.context_id === 'string' ? msg.context_id : undefined;
    const existing = contextId ? conn.contexts.get(contextId) : undefined;
    if (msg.cancel === true) {
      if (existing && !existing.stopped) existing.stop(true);
      return;
    }
    if (contextId && conn.refused.has(contextId)) {
      errorEvent(
        new CartesiaHttpError(
          400,
          'Context closed',
          `Context ${contextId} failed and accepts no input.`,
          'context_closed',
        ),
        contextId,
      );
      return;
    }
    if (existing) {
      if (existing.closed || existing.stopped) {
        errorEvent(
          new CartesiaHttpError(
            400,
            'Context closed',
            `Context ${contextId} no longer accepts input.`,
            'context_closed',
          ),
          contextId,
        );
        return;
      }
      if (typeof msg.transcript !== 'string') {
        errorEvent(new CartesiaHttpError(400, 'Invalid request', 'transcript is required.'), contextId);
        return;
      }
      existing.input(msg.transcript, msg.continue === true);
      return;
    }
    // A new context: a generation request like an HTTP one.
    const rec: CartesiaRequestRecord = {
      kind: 'ws',
      method: 'GET',
      path: '/tts/websocket',
      status: 101,
      at: Date.now(),
      connection: conn.index,
      contextId,
      apiKeyVia: conn.apiKeyVia,
      version: conn.version,
      body: msg,
    };
    this.requests.push(rec);
    const failure = this.#takeFail();
    if (failure) {
      Object.assign(rec, { fault: 'fail', status: failure.status, doneAt: Date.now() });
      if (contextId) conn.refused.add(contextId);
      errorEvent(failure, contextId);
      return;
    }
    try {
      validateGeneration(msg, this.#knownVoices, true);
    } catch (e) {
      const err = e as CartesiaHttpError;
      Object.assign(rec, { status: err.status, doneAt: Date.now() });
      if (contextId) conn.refused.add(contextId);
      errorEvent(err, contextId);
      return;
    }
    Object.assign(rec, {
      model: msg.model_id,
      voice: msg.voice.id,
      sampleRate: msg.output_format.sample_rate,
      language: msg.language,
    });
    const stall = this.#takeStall('response');
    if (stall) rec.fault = 'stall';
    const env: ContextEnv = {
      speech: (text, rate, stretch) => this.speech(text, rate, stretch),
      send,
      drop: () => {
        conn.droppedByFake = true;
        conn.ws.terminate();
      },
      latencyMs: () => this.#latencyMs,
      chunkMs: this.#chunkMs,
      chunkIntervalMs: this.#chunkIntervalMs,
    };
    const ctx = new FakeContext(msg, rec, env, { drop: this.#takeDrop(), stall });
    conn.contexts.set(ctx.id, ctx);
    ctx.input(msg.transcript, msg.continue === true);
  }
}

/** Starts the fake on 127.0.0.1 and a free port. */
export function startCartesiaFake(options: FakeCartesiaOptions = {}): Promise<FakeCartesia> {
  return new FakeCartesia(options).listen();
}
