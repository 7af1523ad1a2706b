/**
 * A local stand-in for the ElevenLabs API, speaking what `@livekit/agents-plugin-elevenlabs` 1.9
 * and Parley's account calls use, with ElevenLabs' paths, query parameters, headers and bodies:
 *
 *  - `wss …/v1/text-to-speech/{voice_id}/multi-stream-input?model_id=…&output_format=pcm_…` with
 *    `xi-api-key`: the plugin's streaming path ({@link MultiStreamSession} has the protocol);
 *  - `POST /v1/text-to-speech/{voice_id}/stream?output_format=pcm_…`: the plugin's
 *    `synthesize()` path, chunked raw PCM (`audio/pcm`);
 *  - `GET /v2/voices` (paginated: `page_size` ≤ 100, `next_page_token`, `has_more`) and the
 *    deprecated `GET /v1/voices`, from {@link fakeVoiceLibrary};
 *  - `GET /v1/user`, the cheap authenticated call Parley checks a key with.
 *
 * Speech is flite's, resampled to the requested `pcm_<rate>`; other output formats (mp3, μ-law,
 * opus) get a 400 from the fake. Any voice id speaks with the same flite voice.
 *
 * Errors use ElevenLabs' envelope `{"detail": {"status": …, "message": …}}`: `invalid_api_key`
 * and `needs_authorization` (401), `missing_permissions` for a key without a scope (401),
 * `too_many_concurrent_requests` (429), FastAPI's `{"detail": [...]}` for a 422. A refused
 * websocket upgrade answers the same HTTP status and body.
 *
 * It implements {@link FakeProviderControl}: every HTTP request and websocket connection is one
 * {@link ElevenLabsRequestRecord} (a websocket carries all the contexts the client opened on it).
 */
import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { FliteVoice } from '../../src/providers/flite/index.ts';
import type { FakeProviderControl } from './control.ts';
import { MultiStreamSession, type ElevenLabsRequestRecord } from './elevenlabs-multistream.ts';
import { userJson, voicesPage } from './elevenlabs-account.ts';
import { ApiError, detail, faultError } from './elevenlabs-errors.ts';
import { FakeSpeech, pcmRate, speechChunks } from './elevenlabs-speech.ts';
import { fakeVoiceLibrary, type ElevenLabsVoiceJson } from './elevenlabs-voices.ts';

export type { ContextRecord, ElevenLabsRequestRecord } from './elevenlabs-multistream.ts';
export {
  CLONED_VOICE_ID,
  GENERATED_VOICE_ID,
  PROFESSIONAL_VOICE_ID,
  fakeVoiceLibrary,
} from './elevenlabs-voices.ts';
import { sleep } from './clock.ts';
export type { ElevenLabsVoiceJson } from './elevenlabs-voices.ts';

export interface ElevenLabsFakeOptions {
  /** The key the fake accepts. Default `xi-fake-key`. */
  apiKey?: string;
  /**
   * A second valid key created without the `user_read` and `voices_read` permissions: it can
   * synthesize, but `GET /v1/user` and the voice lists answer 401 `missing_permissions`.
   */
  scopedApiKey?: string;
  /** The account's voices; default {@link fakeVoiceLibrary}. */
  voices?: ElevenLabsVoiceJson[];
  /** The largest `page_size` `GET /v2/voices` honours. Default 100, as ElevenLabs documents. */
  maxPageSize?: number;
  /** Audio per websocket message or HTTP chunk, ms. Default 200. */
  chunkMs?: number;
  /** Wall-clock time between those chunks, ms. Default 40 (5× real time). */
  chunkIntervalMs?: number;
  /** The flite voice every ElevenLabs voice speaks with. Default `kal16`. */
  voice?: FliteVoice;
}

const MULTI_STREAM = /^\/v1\/text-to-speech\/([^/]+)\/multi-stream-input$/;
const REST_STREAM = /^\/v1\/text-to-speech\/([^/]+)\/stream$/;

/** The fake ElevenLabs API server; start it with {@link startElevenLabsFake}. */
export class ElevenLabsFake implements FakeProviderControl {
  readonly apiKey: string;
  readonly requests: ElevenLabsRequestRecord[] = [];
  readonly #options: ElevenLabsFakeOptions;
  readonly #http: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #speech: FakeSpeech;
  readonly #sessions = new Set<MultiStreamSession>();
  /** Sockets of stalled requests, destroyed on close. */
  readonly #held = new Set<Duplex>();
  #failures: { status: number; remaining: number }[] = [];
  #drop = false;
  #stall = false;
  #silence = false;
  #latencyMs = 0;
  #voiceLists = 0;
  #url = '';

  constructor(options: ElevenLabsFakeOptions = {}) {
    this.#options = options;
    this.apiKey = options.apiKey ?? 'xi-fake-key';
    this.#speech = new FakeSpeech(options.voice ?? 'kal16');
    this.#http = createServer((req, res) => void this.#handle(req, res));
    this.#http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.#upgrade(req, socket, head),
    );
  }

  /** The API origin an organization stores: `http://127.0.0.1:PORT`. */
  get baseUrl(): string {
    return this.#url;
  }

  /** How many times a voice list (`GET /v1/voices` or `GET /v2/voices`, any page) was requested. */
  get voiceListRequests(): number {
    return this.#voiceLists;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(0, '127.0.0.1', resolve);
    });
    this.#url = `http://127.0.0.1:${(this.#http.address() as AddressInfo).port}`;
    await this.#speech.warmup();
    return this;
  }

  /** Synthesizes `texts` ahead of time at `rate`, so first requests are not slowed by flite. */
  async warm(texts: string[], rate = 22050): Promise<void> {
    await Promise.all(texts.map((t) => this.#speech.pcm(t, rate)));
  }

  failNext(status: number, count = 1): void {
    this.#failures.push({ status, remaining: count });
  }

  dropNext(): void {
    this.#drop = true;
  }

  stallNext(): void {
    this.#stall = true;
  }

  /**
   * The next websocket is accepted and reads everything, but never sends a message: ElevenLabs
   * hanging after the upgrade (as opposed to {@link stallNext}, which never answers the upgrade).
   */
  silenceNext(): void {
    this.#silence = true;
  }

  setLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  reset(): void {
    this.requests.length = 0;
    this.#failures = [];
    this.#drop = this.#stall = this.#silence = false;
    this.#latencyMs = 0;
    this.#voiceLists = 0;
  }

  async close(): Promise<void> {
    for (const s of this.#sessions) s.ws.terminate();
    for (const socket of this.#held) socket.destroy();
    this.#wss.close();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
    await this.#speech.close();
  }

  /** A failure queued by {@link failNext}, consumed by this request. */
  #takeFailure(): number | undefined {
    const f = this.#failures[0];
    if (!f) return undefined;
    if (--f.remaining <= 0) this.#failures.shift();
    return f.status;
  }

  #record(kind: 'http' | 'ws', req: IncomingMessage): ElevenLabsRequestRecord {
    const url = new URL(req.url ?? '/', 'http://fake');
    const rec: ElevenLabsRequestRecord = {
      kind,
      method: req.method ?? 'GET',
      path: url.pathname,
      status: kind === 'ws' ? 101 : 200,
      at: Date.now(),
      query: Object.fromEntries(url.searchParams),
      apiKey: header(req, 'xi-api-key'),
    };
    if (rec.query.model_id) rec.model = rec.query.model_id;
    this.requests.push(rec);
    return rec;
  }

  /** The auth error for this request's key, if any; `scope` is the permission the route needs. */
  #authError(key: string | undefined, scope?: 'user_read' | 'voices_read'): ApiError | undefined {
    if (!key) {
      return detail(
        401,
        'needs_authorization',
        'Neither authorization header nor xi-api-key received, please provide one.',
      );
    }
    if (key === this.apiKey) return undefined;
    if (key === this.#options.scopedApiKey) {
      return scope
        ? detail(
            401,
            'missing_permissions',
            `The API key you used is missing the permission ${scope} to execute this operation.`,
          )
        : undefined;
    }
    return detail(401, 'invalid_api_key', 'Invalid API key');
  }

  // ---- websocket ----

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const rec = this.#record('ws', req);
    socket.on('error', () => undefined);
    const refuse = (e: ApiError) => {
      rec.status = e.status;
      rec.doneAt = Date.now();
      const body = JSON.stringify(e.body);
      socket.end(
        `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status] ?? 'Error'}\r\n` +
          'Content-Type: application/json\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          (e.status === 429 ? 'Retry-After: 0\r\n' : '') +
          'Connection: close\r\n\r\n' +
          body,
      );
    };
    if (this.#stall) {
      this.#stall = false;
      rec.fault = 'stall';
      this.#held.add(socket);
      socket.on('close', () => {
        this.#held.delete(socket);
        rec.doneAt = Date.now();
        rec.cancelled = true;
      });
      return;
    }
    const failure = this.#takeFailure();
    if (failure !== undefined) {
      rec.fault = 'fail';
      return refuse(faultError(failure));
    }
    const match = MULTI_STREAM.exec(rec.path);
    if (!match) return refuse(new ApiError(404, { detail: 'Not Found' }));
    rec.voiceId = decodeURIComponent(match[1]!);
    const authError = this.#authError(rec.apiKey);
    if (authError) return refuse(authError);
    const rate = pcmRate(rec.query.output_format ?? 'mp3_44100');
    if (rate === undefined) {
      return refuse(
        detail(
          400,
          'invalid_output_format',
          `This fake serves pcm_* output formats, not ${rec.query.output_format}.`,
        ),
      );
    }
    const mode = this.#drop ? 'drop' : this.#silence ? 'silent' : 'normal';
    this.#drop = this.#silence = false;
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new MultiStreamSession(ws, rec, {
        speech: this.#speech,
        rate,
        chunkMs: this.#options.chunkMs ?? 200,
        chunkIntervalMs: this.#options.chunkIntervalMs ?? 40,
        latencyMs: this.#latencyMs,
        mode,
      });
      if (mode === 'silent') rec.fault = 'stall';
      this.#sessions.add(session);
      ws.on('close', () => this.#sessions.delete(session));
    });
  }

  // ---- HTTP ----

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rec = this.#record('http', req);
    if (this.#stall) {
      this.#stall = false;
      rec.fault = 'stall';
      const socket = req.socket as Socket;
      this.#held.add(socket);
      res.on('close', () => {
        this.#held.delete(socket);
        rec.doneAt = Date.now();
        rec.cancelled = true;
      });
      return;
    }
    try {
      const raw = await new Promise<Buffer>((resolve, reject) => {
        const parts: Buffer[] = [];
        req.on('data', (d: Buffer) => parts.push(d));
        req.on('end', () => resolve(Buffer.concat(parts)));
        req.on('error', reject);
      });
      const failure = this.#takeFailure();
      if (failure !== undefined) {
        rec.fault = 'fail';
        throw faultError(failure);
      }
      const voice = REST_STREAM.exec(rec.path);
      if (req.method === 'GET' && rec.path === '/v1/user') {
        this.#check(rec, 'user_read');
        return json(res, rec, 200, userJson());
      }
      if (req.method === 'GET' && (rec.path === '/v1/voices' || rec.path === '/v2/voices')) {
        this.#voiceLists++;
        this.#check(rec, 'voices_read');
        const voices = this.#options.voices ?? fakeVoiceLibrary;
        return json(
          res,
          rec,
          200,
          rec.path === '/v1/voices'
            ? { voices }
            : voicesPage(voices, rec.query, this.#options.maxPageSize ?? 100),
        );
      }
      if (req.method === 'POST' && voice) {
        rec.voiceId = decodeURIComponent(voice[1]!);
        this.#check(rec);
        return await this.#stream(rec, raw, res);
      }
      throw new ApiError(404, { detail: 'Not Found' });
    } catch (err) {
      const e = err instanceof ApiError ? err : detail(500, 'internal_server_error', String(err));
      if (res.headersSent) {
        res.destroy();
      } else {
        json(res, rec, e.status, e.body, e.status === 429 ? { 'retry-after': '0' } : {});
      }
    }
  }

  #check(rec: ElevenLabsRequestRecord, scope?: 'user_read' | 'voices_read'): void {
    const e = this.#authError(rec.apiKey, scope);
    if (e) throw e;
  }

  async #stream(rec: ElevenLabsRequestRecord, raw: Buffer, res: ServerResponse): Promise<void> {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new ApiError(422, {
        detail: [{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error' }],
      });
    }
    rec.body = body;
    if (typeof body.text !== 'string') {
      throw new ApiError(422, {
        detail: [{ type: 'missing', loc: ['body', 'text'], msg: 'Field required' }],
      });
    }
    rec.text = body.text.trim();
    if (typeof body.model_id === 'string') rec.model = body.model_id;
    const format = rec.query.output_format ?? 'mp3_44100_128';
    const rate = pcmRate(format);
    if (rate === undefined) {
      throw detail(400, 'invalid_output_format', `This fake serves pcm_* output formats, not ${format}.`);
    }
    const pcm = await this.#speech.pcm(rec.text, rate);
    let closed = false;
    res.on('close', () => {
      if (!res.writableFinished) {
        closed = true;
        rec.cancelled = rec.fault !== 'drop';
        rec.doneAt = Date.now();
      }
    });
    await sleep(rec.at + this.#latencyMs - Date.now());
    if (closed) return;
    const drop = this.#drop;
    this.#drop = false;
    res.writeHead(200, { 'content-type': 'audio/pcm', 'transfer-encoding': 'chunked' });
    const chunks = speechChunks(rec.text, pcm, rate, this.#options.chunkMs ?? 200);
    for (const [i, chunk] of chunks.entries()) {
      if (i > 0) await sleep(this.#options.chunkIntervalMs ?? 40);
      if (closed) return;
      res.write(chunk.pcm);
      rec.firstOutputAt ??= Date.now();
      if (drop) {
        rec.fault = 'drop';
        res.socket?.destroy();
        return;
      }
    }
    res.end();
    rec.doneAt = Date.now();
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function json(
  res: ServerResponse,
  rec: ElevenLabsRequestRecord,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  rec.status = status;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
  rec.firstOutputAt ??= Date.now();
  rec.doneAt = Date.now();
}

/** Starts the fake on 127.0.0.1 and a free port. */
export function startElevenLabsFake(options: ElevenLabsFakeOptions = {}): Promise<ElevenLabsFake> {
  return new ElevenLabsFake(options).listen();
}
