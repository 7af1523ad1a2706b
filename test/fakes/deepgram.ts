/**
 * A local stand-in for Deepgram's API, speaking the wire protocol as Deepgram documents it and as
 * Parley's Deepgram provider (and `@livekit/agents-plugin-deepgram` 1.9) use it:
 *
 *  - `GET /v1/listen` websocket (live transcription, see ./deepgram-listen.ts): query parameters
 *    `model`, `language`, `encoding=linear16`, `sample_rate`, `channels`, `interim_results`,
 *    `endpointing`, `vad_events`, `utterance_end_ms`, `keyterm`/`keywords`…; binary audio in;
 *    `KeepAlive`, `Finalize`, `CloseStream` text messages; `SpeechStarted`, `Results` (interim
 *    and final, `speech_final`, `from_finalize`, words with times), `UtteranceEnd` and `Metadata`
 *    out. Speech is recognized by pocketsphinx (or a configured transcript).
 *  - `POST /v1/listen` (pre-recorded, a WAV body): one `results.channels[0].alternatives[0]`.
 *  - `POST /v1/speak?model=aura-…&encoding=linear16&sample_rate=…&container=none|wav` with
 *    `{"text": …}`: flite speech of the text, streamed in chunks.
 *  - `GET /v1/speak` websocket (see ./deepgram-speak.ts): `Speak`, `Flush`, `Clear`, `Close` in;
 *    `Metadata`, binary linear16, `Flushed`, `Cleared`, `Warning` out.
 *  - `GET /v1/projects`: the key's projects (what Parley's key check calls).
 *
 * Every route wants `Authorization: Token <key>` (websockets may also offer the key as the
 * `token, <key>` subprotocol); anything else gets Deepgram's 401 `INVALID_AUTH`. Errors carry
 * Deepgram's JSON body (`err_code`, `err_msg`, `request_id`) and `dg-request-id` / `dg-error`
 * headers. The {@link FakeProviderControl} knobs apply to every route.
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
import { WebSocketServer, type WebSocket } from 'ws';
import { resamplePcm16 } from '../../src/audio/resample.ts';
import { wavHeader } from '../../src/audio/wav.ts';
import { FliteSynthesizer, type FliteVoice } from '../../src/providers/flite/index.ts';
import { DEFAULT_POCKETSPHINX_MODEL_DIR } from '../../src/providers/pocketsphinx/index.ts';
import { PocketsphinxRecognizer } from '../../src/providers/pocketsphinx/recognizer.ts';
import { bakery } from '../fixtures/bakery-agent.ts';
import type { FakeProviderControl, FakeRequestRecord } from './control.ts';
import { ListenSession } from './deepgram-listen.ts';
import {
  alternative,
  checkListenModel,
  DeepgramHttpError,
  FAKE_MODEL_UUID,
  isOn,
  speakQuery,
} from './deepgram-protocol.ts';
import { SpeakSession } from './deepgram-speak.ts';
import { parseWav } from './openai-rest.ts';
import { sleep } from './clock.ts';
import { DEEPGRAM_MODELS } from './deepgram-models.ts';

/** What a configured transcript function is told about the utterance. */
export interface TranscriptInput {
  /** 1-based index of the utterance across the fake's lifetime. */
  n: number;
  model: string;
  /** What pocketsphinx heard (the configured transcript replaces it). */
  heard: string;
}

export interface DeepgramFakeOptions {
  /** The key clients must present; default `dg-fake-key`. */
  apiKey?: string;
  /** A fixed transcript (or a function of the utterance) instead of pocketsphinx's words. */
  transcript?: string | ((input: TranscriptInput) => string);
  /** Phrases for pocketsphinx's language model; default the bakery callers' phrases. */
  phrases?: string[];
  /** The flite voice every Aura voice speaks with; default kal16. */
  voice?: FliteVoice;
  /** Silence that ends an utterance in the recognizer, ms (Deepgram's `endpointing`). Default 500. */
  endSilenceMs?: number;
  /** Interim results at most every this many ms of audio. Default 300. */
  interimIntervalMs?: number;
  /** A listen connection without audio or messages for this long is closed with NET-0001. Default 10 000. */
  idleTimeoutMs?: number;
  /** Audio per TTS chunk (websocket message or HTTP write), ms. Default 100. */
  ttsChunkMs?: number;
  /** Pause between TTS chunks, ms (Deepgram streams faster than real time). Default 10. */
  ttsChunkIntervalMs?: number;
}

/** One request or connection, with what the fake saw of it. */
export interface DeepgramRequestRecord extends FakeRequestRecord {
  route: 'listen' | 'speak' | 'projects' | 'models' | 'other';
  /** Query parameters, every value of each. */
  query: Record<string, string[]>;
  authorization?: string;
  /** Websockets: the `type` of every text message the client sent, in order. */
  clientMessages: string[];
  /** Listen: audio received, ms; speak: audio sent, ms. */
  audioMs?: number;
}

/** What the sessions get from the fake. */
export interface FakeContext {
  readonly latencyMs: number;
  readonly options: Required<Omit<DeepgramFakeOptions, 'apiKey' | 'transcript' | 'phrases' | 'voice'>> &
    DeepgramFakeOptions;
  /** The shared recognizer (started on first use). */
  recognizer(): PocketsphinxRecognizer;
  /** The final text for an utterance pocketsphinx heard as `heard`. */
  transcriptFor(heard: string, model: string): string;
  /** Flite speech of `text` as linear16 mono at `sampleRate`. */
  speech(text: string, sampleRate: number): Promise<Buffer>;
  /** Consumes a pending `dropNext()`. */
  takeDrop(): boolean;
}

/** The fake Deepgram server; see the file comment for what it speaks. */
export class DeepgramFake implements FakeProviderControl {
  readonly apiKey: string;
  readonly requests: DeepgramRequestRecord[] = [];
  readonly options: FakeContext['options'];
  #latencyMs = 0;
  #failures: { status: number; left: number } | undefined;
  #drop = false;
  #stall = false;
  #http: Server;
  #wss = new WebSocketServer({ noServer: true });
  #sockets = new Set<Socket | Duplex>();
  #live = new Set<WebSocket>();
  #synth?: FliteSynthesizer;
  #speech = new Map<string, Promise<Int16Array>>();
  #recognizer?: PocketsphinxRecognizer;
  #utterances = 0;
  #port = 0;

  constructor(options: DeepgramFakeOptions = {}) {
    this.apiKey = options.apiKey ?? 'dg-fake-key';
    this.options = {
      endSilenceMs: 500,
      interimIntervalMs: 300,
      idleTimeoutMs: 10_000,
      ttsChunkMs: 100,
      ttsChunkIntervalMs: 10,
      ...options,
    };
    this.#http = createServer((req, res) => void this.#handle(req, res));
    this.#http.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    this.#http.on('upgrade', (req, socket, head) => this.#upgrade(req, socket, head));
  }

  /** `http://127.0.0.1:PORT`: what an organization stores as the Deepgram base URL. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  listen(): Promise<this> {
    return new Promise((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(0, '127.0.0.1', () => {
        this.#port = (this.#http.address() as AddressInfo).port;
        resolve(this);
      });
    });
  }

  /**
   * Synthesizes `texts` and starts the recognizer (unless `recognizer: false`), so the first
   * requests are not slower than the rest.
   */
  async warm(texts: string[] = [], { recognizer = true }: { recognizer?: boolean } = {}): Promise<void> {
    await Promise.all([
      recognizer ? this.recognizer().ready() : undefined,
      ...texts.map((t) => this.#speech16k(t)),
    ]);
  }

  failNext(status: number, count = 1): void {
    this.#failures = { status, left: count };
  }

  dropNext(): void {
    this.#drop = true;
  }

  stallNext(): void {
    this.#stall = true;
  }

  setLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  reset(): void {
    this.requests.length = 0;
    this.#failures = undefined;
    this.#drop = false;
    this.#stall = false;
    this.#latencyMs = 0;
  }

  async close(): Promise<void> {
    for (const ws of this.#live) ws.terminate();
    for (const socket of this.#sockets) socket.destroy();
    this.#wss.close();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
    await this.#recognizer?.close();
    await this.#synth?.close();
  }

  // ---- what the sessions use ----

  recognizer(): PocketsphinxRecognizer {
    this.#recognizer ??= new PocketsphinxRecognizer({
      modelDir: DEFAULT_POCKETSPHINX_MODEL_DIR,
      languageModel: {
        kind: 'domain',
        phrases: [...(this.options.phrases ?? bakery.turns.map((t) => t.say)), 'hello', 'thank you'],
      },
      endSilenceMs: this.options.endSilenceMs,
      interimIntervalMs: this.options.interimIntervalMs,
      decoderScope: 'utterance',
    });
    return this.#recognizer;
  }

  #context(): FakeContext {
    return {
      latencyMs: this.#latencyMs,
      options: this.options,
      recognizer: () => this.recognizer(),
      transcriptFor: (heard, model) => {
        const configured = this.options.transcript;
        if (configured === undefined) return heard;
        const n = ++this.#utterances;
        return typeof configured === 'string' ? configured : configured({ n, model, heard });
      },
      speech: async (text, sampleRate) => {
        const pcm = resamplePcm16(await this.#speech16k(text), 16_000, sampleRate);
        return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
      },
      takeDrop: () => {
        const drop = this.#drop;
        this.#drop = false;
        return drop;
      },
    };
  }

  #speech16k(text: string): Promise<Int16Array> {
    const voice = this.options.voice ?? 'kal16';
    let cached = this.#speech.get(`${voice}\u0000${text}`);
    if (!cached) {
      this.#synth ??= new FliteSynthesizer();
      cached = this.#synth
        .synthesize(text, voice)
        .then((r) => resamplePcm16(r.samples, r.sampleRate, 16_000));
      cached.catch(() => this.#speech.delete(`${voice}\u0000${text}`));
      this.#speech.set(`${voice}\u0000${text}`, cached);
    }
    return cached;
  }

  // ---- request handling ----

  #record(req: IncomingMessage, kind: 'http' | 'ws'): DeepgramRequestRecord {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const query: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
    const rec: DeepgramRequestRecord = {
      kind,
      method: req.method ?? 'GET',
      path,
      route:
        path === '/v1/listen'
          ? 'listen'
          : path === '/v1/speak'
            ? 'speak'
            : path === '/v1/projects'
              ? 'projects'
              : path === '/v1/models'
                ? 'models'
                : 'other',
      status: 0,
      at: Date.now(),
      query,
      authorization: req.headers.authorization,
      clientMessages: [],
      model: query.model?.[0],
    };
    this.requests.push(rec);
    return rec;
  }

  /** The fault to apply to this request, consumed; then the key check. */
  #gate(req: IncomingMessage, rec: DeepgramRequestRecord, websocket: boolean): 'stall' | undefined {
    if (this.#stall) {
      this.#stall = false;
      rec.fault = 'stall';
      return 'stall';
    }
    if (this.#failures && this.#failures.left > 0) {
      const { status } = this.#failures;
      if (--this.#failures.left === 0) this.#failures = undefined;
      rec.fault = 'fail';
      throw new DeepgramHttpError(status);
    }
    const auth = req.headers.authorization ?? '';
    let key = /^Token\s+(.+)$/i.exec(auth)?.[1]?.trim();
    if (!key && websocket) {
      // Browsers cannot set headers: Deepgram takes `Sec-WebSocket-Protocol: token, <key>`.
      const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      if (protocols[0] === 'token') key = protocols[1];
    }
    if (key !== this.apiKey) throw new DeepgramHttpError(401);
    return undefined;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rec = this.#record(req, 'http');
    res.on('close', () => {
      rec.doneAt ??= Date.now();
      if (!res.writableFinished && rec.fault !== 'drop') rec.cancelled = true;
    });
    try {
      if (this.#gate(req, rec, false) === 'stall') return; // never answered
      const body = await new Promise<Buffer>((resolve, reject) => {
        const parts: Buffer[] = [];
        req.on('data', (d: Buffer) => parts.push(d));
        req.on('end', () => resolve(Buffer.concat(parts)));
        req.on('error', reject);
      });
      const route = `${req.method} ${rec.route}`;
      if (route === 'GET projects') return this.#projects(rec, res);
      if (route === 'GET models') return this.#models(rec, res);
      if (route === 'POST speak') return await this.#speakRest(rec, body, res);
      if (route === 'POST listen') return await this.#listenRest(rec, body, res);
      if (rec.route === 'other') throw new DeepgramHttpError(404, `No route for ${req.method} ${rec.path}.`);
      throw new DeepgramHttpError(405);
    } catch (err) {
      const e = err instanceof DeepgramHttpError ? err : new DeepgramHttpError(500, String(err));
      rec.status = e.status;
      if (!res.headersSent) {
        res.writeHead(e.status, e.headers);
        res.end(e.body);
      } else {
        res.destroy();
      }
      rec.doneAt = Date.now();
    }
  }

  #projects(rec: DeepgramRequestRecord, res: ServerResponse): void {
    rec.status = 200;
    res.writeHead(200, { 'content-type': 'application/json', 'dg-request-id': randomUUID() });
    res.end(
      JSON.stringify({
        projects: [{ project_id: '3f1e6a02-8a2b-4c57-9d0e-5b7c2f9a1d44', name: 'Parley fake project' }],
      }),
    );
    rec.doneAt = Date.now();
  }

  /** `GET /v1/models`: Deepgram's public model list (its TTS part is the voice catalog). */
  #models(rec: DeepgramRequestRecord, res: ServerResponse): void {
    rec.status = 200;
    res.writeHead(200, { 'content-type': 'application/json', 'dg-request-id': randomUUID() });
    res.end(JSON.stringify(DEEPGRAM_MODELS));
    rec.doneAt = Date.now();
  }

  /** How many times the voice list (`GET /v1/models`) was asked for. */
  get voiceListRequests(): number {
    return this.requests.filter((r) => r.route === 'models').length;
  }

  async #speakRest(rec: DeepgramRequestRecord, raw: Buffer, res: ServerResponse): Promise<void> {
    const { model, sampleRate, container } = speakQuery(rec.query, 'rest');
    let text: unknown;
    try {
      text = (JSON.parse(raw.toString('utf8')) as { text?: unknown }).text;
    } catch {
      throw new DeepgramHttpError(400, 'Invalid JSON body.');
    }
    if (typeof text !== 'string' || !text.trim()) {
      throw new DeepgramHttpError(400, 'The request body must be JSON with a non-empty "text" field.');
    }
    rec.text = text;
    let audio = await this.#context().speech(text, sampleRate);
    if (container === 'wav') audio = Buffer.concat([wavHeader(audio.length, sampleRate), audio]);
    const drop = this.#drop;
    this.#drop = false;
    await sleep(rec.at + this.#latencyMs - Date.now());
    if (res.destroyed) return;
    rec.status = 200;
    res.writeHead(200, {
      'content-type': container === 'wav' ? 'audio/wav' : 'application/octet-stream',
      'dg-request-id': randomUUID(),
      'dg-model-name': model,
      'dg-char-count': String(text.length),
    });
    const chunkBytes = Math.round((sampleRate * this.options.ttsChunkMs) / 1000) * 2;
    let sent = 0;
    for (let o = 0; o < audio.length; o += chunkBytes) {
      if (o > 0 && this.options.ttsChunkIntervalMs > 0) await sleep(this.options.ttsChunkIntervalMs);
      if (res.destroyed) return;
      sent += Math.min(chunkBytes, audio.length - o);
      rec.firstOutputAt ??= Date.now();
      rec.audioMs = Math.round((sent / 2 / sampleRate) * 1000);
      if (drop) {
        rec.fault = 'drop';
        // Cut once the chunk is on the wire, so the client really has its first output.
        res.write(audio.subarray(o, o + chunkBytes), () => res.socket?.destroy());
        return;
      }
      res.write(audio.subarray(o, o + chunkBytes));
    }
    res.end();
    rec.doneAt = Date.now();
  }

  async #listenRest(rec: DeepgramRequestRecord, raw: Buffer, res: ServerResponse): Promise<void> {
    const model = rec.query.model?.[0] ?? 'base';
    checkListenModel(model);
    let pcm: Int16Array;
    let sampleRate: number;
    try {
      ({ pcm, sampleRate } = parseWav(raw));
    } catch (e) {
      throw new DeepgramHttpError(400, `Bad Request: failed to process audio: ${(e as Error).message}`);
    }
    const recognizer = this.recognizer();
    await recognizer.ready();
    const heard = (await recognizer.recognize(resamplePcm16(pcm, sampleRate, 16_000))).text;
    const text = this.#context().transcriptFor(heard, model);
    rec.text = text;
    const duration = pcm.length / sampleRate;
    await sleep(rec.at + this.#latencyMs - Date.now());
    rec.status = 200;
    rec.firstOutputAt = Date.now();
    const requestId = randomUUID();
    res.writeHead(200, { 'content-type': 'application/json', 'dg-request-id': requestId });
    res.end(
      JSON.stringify({
        metadata: {
          request_id: requestId,
          created: new Date().toISOString(),
          duration,
          channels: 1,
          models: [FAKE_MODEL_UUID],
          model_info: {
            [FAKE_MODEL_UUID]: { name: `general-${model}`, version: '2025-01-01.0', arch: model },
          },
        },
        results: {
          channels: [{ alternatives: [alternative(text, 0, duration, isOn(rec.query, 'punctuate'))] }],
        },
      }),
    );
    rec.doneAt = Date.now();
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const rec = this.#record(req, 'ws');
    this.#sockets.add(socket);
    socket.on('close', () => {
      this.#sockets.delete(socket);
      if (rec.fault === 'stall') {
        rec.cancelled = true;
        rec.doneAt = Date.now();
      }
    });
    socket.on('error', () => undefined);
    let accept: (ws: WebSocket) => void;
    try {
      if (this.#gate(req, rec, true) === 'stall') {
        // Never answered. Reading (and discarding) lets the fake see the client hang up; the
        // upgrade socket is half-open, so its end is the cue to close it.
        socket.on('end', () => socket.destroy());
        socket.resume();
        return;
      }
      if (rec.route === 'listen') {
        const settings = ListenSession.settings(rec.query);
        accept = (ws) => new ListenSession(ws, rec, settings, this.#context()).start();
      } else if (rec.route === 'speak') {
        const settings = speakQuery(rec.query, 'ws');
        accept = (ws) => new SpeakSession(ws, rec, settings, this.#context()).start();
      } else {
        throw new DeepgramHttpError(404, `No websocket at ${rec.path}.`);
      }
    } catch (err) {
      const e = err instanceof DeepgramHttpError ? err : new DeepgramHttpError(500, String(err));
      rec.status = e.status;
      rec.doneAt = Date.now();
      const headers = Object.entries({ ...e.headers, 'content-length': String(Buffer.byteLength(e.body)) })
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      socket.end(
        `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status] ?? 'Error'}\r\n${headers}connection: close\r\n\r\n${e.body}`,
      );
      return;
    }
    rec.status = 101;
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.#live.add(ws);
      ws.on('close', () => this.#live.delete(ws));
      accept(ws);
    });
  }
}

/** Starts the fake on 127.0.0.1 and a free port. */
export function startDeepgramFake(options: DeepgramFakeOptions = {}): Promise<DeepgramFake> {
  return new DeepgramFake(options).listen();
}
