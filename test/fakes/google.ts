/**
 * A local stand-in for Google's Gemini API (`generativelanguage.googleapis.com`), speaking the wire
 * protocol as `@livekit/agents-plugin-google` 1.9 (through `@google/genai` 2.x) uses it: REST
 * (`google-rest.ts`) and the Live websocket (`google-live.ts`) on one port, with the
 * {@link FakeProviderControl} knobs.
 *
 * Authentication is Google's: the key travels as `x-goog-api-key` (REST) or `?key=` (both). A
 * wrong key gets what Google really answers, 400 INVALID_ARGUMENT with reason `API_KEY_INVALID`
 * (no key at all: 403 PERMISSION_DENIED); on the Live socket, a close with 1007 after the setup.
 * The organization's `baseUrl` is the origin {@link GoogleFake.baseUrl}, as for Google.
 */
import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { resamplePcm16 } from '../../src/audio/resample.ts';
import { builtinModels } from '../../src/catalog/index.ts';
import { FliteSynthesizer, type FliteVoice } from '../../src/providers/flite/index.ts';
import { DEFAULT_POCKETSPHINX_MODEL_DIR } from '../../src/providers/pocketsphinx/index.ts';
import { PocketsphinxRecognizer } from '../../src/providers/pocketsphinx/recognizer.ts';
import { bakery } from '../fixtures/bakery-agent.ts';
import type { FakeProviderControl, FakeRequestRecord } from './control.ts';
import { faultError, GoogleHttpError, invalidKeyError, missingKeyError } from './google-errors.ts';
import {
  defaultLiveReply,
  LIVE_OUTPUT_RATE,
  LiveConnection,
  type LiveConnectionRecord,
  type LiveEnv,
  type LivePlan,
  type LiveReplyContext,
} from './google-live.ts';
import {
  defaultRestReply,
  generate,
  listModels,
  type Content,
  type FakeModel,
  type GeminiReply,
  type GenerateRecord,
  type RestEnv,
  type RestReplyInput,
} from './google-rest.ts';

export { defaultLiveReply, type LiveConnectionRecord, type LiveReplyContext } from './google-live.ts';
export {
  defaultRestReply,
  type GeminiReply,
  type GenerateRecord,
  type RestReplyInput,
} from './google-rest.ts';

/** The path `@google/genai` opens for Live (after collapsing the `//` it builds from an origin). */
const LIVE_PATH =
  /^\/ws\/google\.ai\.generativelanguage\.(v1beta|v1alpha)\.GenerativeService\.BidiGenerateContent$/;

export interface GoogleFakeOptions {
  /** The key the fake accepts. */
  apiKey?: string;
  /** Models served; default the catalog's active Google models. */
  models?: FakeModel[];
  /** The LLM's reply; default {@link defaultRestReply}. */
  reply?: (input: RestReplyInput) => GeminiReply;
  /** Gemini Live's reply; default {@link defaultLiveReply}. */
  liveReply?: (ctx: LiveReplyContext) => GeminiReply;
  /** Delay before the first output of every response, ms (same as {@link GoogleFake.setLatency}). */
  latencyMs?: number;
  /** Between streamed text chunks (one word each), ms. Default 40. */
  tokenIntervalMs?: number;
  /** Between 100 ms reply audio messages on Live, ms. Default 40 (2.5× real time). */
  chunkIntervalMs?: number;
  /** RMS (PCM16 units) above which a 20 ms window of caller audio is speech. Default 300. */
  vadThreshold?: number;
  /** Silence that ends the caller's turn, ms. Default 500. */
  silenceMs?: number;
  /** Speech shorter than this is ignored, ms. Default 100. */
  minSpeechMs?: number;
  /** Phrases for pocketsphinx's language model (what callers say); default the bakery callers'. */
  phrases?: string[];
  /** The flite voice every Gemini voice speaks with. Default kal16. */
  fliteVoice?: FliteVoice;
  /**
   * How `failNext` fails a Live connection: `close` (default) accepts the upgrade and closes with
   * the matching close code after the setup, as the Live API does; `refuse` answers the upgrade
   * with the HTTP status, as a proxy or Google's front end does.
   */
  liveFailure?: 'close' | 'refuse';
}

/** Catalog Google models → what `models.list` says about them. */
function catalogModels(): FakeModel[] {
  return builtinModels
    .filter((m) => m.provider === 'google' && m.isActive)
    .map((m) => ({
      name: m.name,
      displayName: m.name.replace(/-/g, ' '),
      description: m.description ?? m.name,
      inputTokenLimit: m.type === 'STS' ? 131_072 : 1_048_576,
      outputTokenLimit: 65_536,
      supportedGenerationMethods:
        m.type === 'STS'
          ? ['bidiGenerateContent']
          : ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
    }));
}

/**
 * The request target as a URL. The SDK asks for `//ws/…` (it joins an origin that ends in `/` with
 * a path that starts with one), which `new URL(target, base)` would read as a host name.
 */
function requestUrl(req: IncomingMessage): URL {
  return new URL(`http://127.0.0.1${(req.url ?? '/').replace(/^\/{2,}/, '/')}`);
}

type Fault = { kind: 'fail'; status: number } | { kind: 'stall' };

/** The fake server. Create with {@link startGoogleFake}. */
export class GoogleFake implements FakeProviderControl {
  readonly apiKey: string;
  readonly models: FakeModel[];
  /** Every generate request (streamed or not), with its parsed body and the reply. */
  readonly generated: GenerateRecord[] = [];
  /** Every Live connection, in order. */
  readonly live: LiveConnectionRecord[] = [];
  reply: (input: RestReplyInput) => GeminiReply;
  liveReply: (ctx: LiveReplyContext) => GeminiReply;
  tokenIntervalMs: number;
  chunkIntervalMs: number;
  liveFailure: 'close' | 'refuse';

  #requests: FakeRequestRecord[] = [];
  #latencyMs: number;
  #faults: Fault[] = [];
  #drop = false;
  #refuseUpgrades: number[] = [];
  #http: Server;
  #wss = new WebSocketServer({ noServer: true });
  #connections = new Set<LiveConnection>();
  #stalled = new Set<ServerResponse>();
  #synth = new FliteSynthesizer();
  #speech = new Map<string, Promise<Int16Array>>();
  #recognizer: PocketsphinxRecognizer;
  #signatures = new Set<string>();
  #handles = new Map<string, Content[]>();
  #generateCount = 0;
  #turnCount = 0;
  #opts: Required<Pick<GoogleFakeOptions, 'vadThreshold' | 'silenceMs' | 'minSpeechMs'>> & {
    fliteVoice: FliteVoice;
  };
  #url = '';

  constructor(options: GoogleFakeOptions = {}) {
    this.apiKey = options.apiKey ?? 'AIzaSyFake-parley-google-fake-key-000';
    this.models = options.models ?? catalogModels();
    this.reply = options.reply ?? defaultRestReply;
    this.liveReply = options.liveReply ?? defaultLiveReply;
    this.#latencyMs = options.latencyMs ?? 0;
    this.tokenIntervalMs = options.tokenIntervalMs ?? 40;
    this.chunkIntervalMs = options.chunkIntervalMs ?? 40;
    this.liveFailure = options.liveFailure ?? 'close';
    this.#opts = {
      vadThreshold: options.vadThreshold ?? 300,
      silenceMs: options.silenceMs ?? 500,
      minSpeechMs: options.minSpeechMs ?? 100,
      fliteVoice: options.fliteVoice ?? 'kal16',
    };
    this.#recognizer = new PocketsphinxRecognizer({
      modelDir: DEFAULT_POCKETSPHINX_MODEL_DIR,
      languageModel: {
        kind: 'domain',
        phrases: [...(options.phrases ?? bakery.turns.map((t) => t.say)), 'hello', 'thank you', 'sorry'],
      },
      endSilenceMs: 500,
      interimIntervalMs: 300,
      decoderScope: 'utterance',
    });
    this.#http = createServer((req, res) => void this.#handle(req, res));
    this.#http.on('upgrade', (req, socket, head) => this.#upgrade(req, socket, head));
  }

  /** `http://127.0.0.1:PORT`: the API origin an organization stores as `baseUrl`. */
  get baseUrl(): string {
    return this.#url;
  }

  get requests(): readonly FakeRequestRecord[] {
    return this.#requests;
  }

  get latencyMs(): number {
    return this.#latencyMs;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(0, '127.0.0.1', () => resolve());
    });
    this.#url = `http://127.0.0.1:${(this.#http.address() as AddressInfo).port}`;
    // Compile flite and load the acoustic model now, so the first turn is not slowed by it.
    await Promise.all([this.#synth.warmup(), this.#recognizer.ready()]);
    return this;
  }

  // ---- FakeProviderControl ----

  failNext(status: number, count = 1): void {
    for (let i = 0; i < count; i++) this.#faults.push({ kind: 'fail', status });
  }

  dropNext(): void {
    this.#drop = true;
  }

  stallNext(): void {
    this.#faults.push({ kind: 'stall' });
  }

  setLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  reset(): void {
    this.#faults = [];
    this.#drop = false;
    this.#refuseUpgrades = [];
    this.#latencyMs = 0;
    this.#requests = [];
    this.generated.length = 0;
    this.live.length = 0;
  }

  /** Refuses the next Live upgrade with this HTTP status and a Google error body (a proxy's answer). */
  refuseNextUpgrade(status: number): void {
    this.#refuseUpgrades.push(status);
  }

  /** Sends `goAway` on every open Live connection (Google's notice before it ends a session). */
  goAway(timeLeft = '10s'): void {
    for (const c of this.#connections) c.goAway(timeLeft);
  }

  /** Cuts every open Live socket, as a network failure would. */
  dropConnections(): void {
    for (const c of this.#connections) c.ws.terminate();
  }

  /** The reply speech the Live fake sends for `text` (PCM16 mono, 24 kHz). */
  speechPcm(text: string): Promise<Int16Array> {
    let p = this.#speech.get(text);
    if (!p) {
      p = this.#synth
        .synthesize(text, this.#opts.fliteVoice)
        .then((r) => resamplePcm16(r.samples, r.sampleRate, LIVE_OUTPUT_RATE));
      p.catch(() => this.#speech.delete(text));
      this.#speech.set(text, p);
    }
    return p;
  }

  async close(): Promise<void> {
    for (const c of this.#connections) c.ws.terminate();
    for (const res of this.#stalled) res.destroy();
    this.#wss.close();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
    await Promise.allSettled([this.#recognizer.close(), this.#synth.close()]);
  }

  // ---- internals ----

  #record(kind: 'http' | 'ws', req: IncomingMessage, path: string): FakeRequestRecord {
    const rec: FakeRequestRecord = { kind, method: req.method ?? 'GET', path, status: 200, at: Date.now() };
    this.#requests.push(rec);
    return rec;
  }

  #restEnv(rec: FakeRequestRecord): RestEnv {
    return {
      models: this.models,
      latencyMs: this.#latencyMs,
      tokenIntervalMs: this.tokenIntervalMs,
      reply: (input) => this.reply(input),
      nextGenerateIndex: () => ++this.#generateCount,
      signatures: this.#signatures,
      takeDrop: () => {
        if (!this.#drop) return false;
        this.#drop = false;
        rec.fault = 'drop';
        return true;
      },
      generated: this.generated,
      firstOutput: () => {
        rec.firstOutputAt ??= Date.now();
      },
      done: (cancelled, text, model) => {
        if (rec.doneAt !== undefined) return;
        rec.doneAt = Date.now();
        if (cancelled) rec.cancelled = true;
        if (text !== undefined) rec.text = text;
        if (model !== undefined) rec.model = model;
      },
    };
  }

  #liveEnv(): LiveEnv {
    const env = {
      apiKey: this.apiKey,
      models: this.models,
      latencyMs: 0,
      chunkIntervalMs: 0,
      vadThreshold: this.#opts.vadThreshold,
      silenceMs: this.#opts.silenceMs,
      minSpeechMs: this.#opts.minSpeechMs,
      textModels: new Set(['gemini-live-2.5-flash-preview', 'gemini-2.0-flash-live-001']),
      reply: (ctx) => this.liveReply(ctx),
      nextTurnIndex: () => ++this.#turnCount,
      speech: (text) => this.speechPcm(text),
      recognize: (pcm: Int16Array) => this.#recognizer.recognize(pcm).then((r) => r.text),
      handles: this.#handles,
    } satisfies LiveEnv;
    // Live getters: a connection outlives knob changes (setLatency during a call applies to its
    // next turn).
    return Object.defineProperties(env, {
      latencyMs: { get: () => this.#latencyMs },
      chunkIntervalMs: { get: () => this.chunkIntervalMs },
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req);
    const rec = this.#record('http', req, (req.url ?? '/').split('?')[0]!);
    try {
      const raw = await new Promise<Buffer>((resolve, reject) => {
        const parts: Buffer[] = [];
        req.on('data', (d: Buffer) => parts.push(d));
        req.on('end', () => resolve(Buffer.concat(parts)));
        req.on('error', reject);
      });
      const key = (req.headers['x-goog-api-key'] as string | undefined) ?? url.searchParams.get('key') ?? '';
      if (!key) throw missingKeyError();
      if (key !== this.apiKey) throw invalidKeyError();
      const fault = this.#faults.shift();
      if (fault?.kind === 'fail') {
        rec.fault = 'fail';
        throw faultError(fault.status);
      }
      if (fault?.kind === 'stall') {
        rec.fault = 'stall';
        this.#stalled.add(res);
        res.on('close', () => {
          this.#stalled.delete(res);
          rec.cancelled = true;
          rec.doneAt = Date.now();
        });
        return;
      }
      const route = url.pathname;
      if (req.method === 'GET' && /^\/v1beta\/models(\/[^/:]+)?$/.test(route)) {
        listModels(this.#restEnv(rec), route, url, res);
        rec.firstOutputAt = rec.doneAt = Date.now();
        return;
      }
      const m = route.match(/^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/);
      if (req.method === 'POST' && m) {
        await generate(
          this.#restEnv(rec),
          req,
          res,
          decodeURIComponent(m[1]!),
          m[2] as 'generateContent' | 'streamGenerateContent',
          url,
          raw,
          rec.at,
        );
        return;
      }
      throw new GoogleHttpError(404, 'Method not found.');
    } catch (err) {
      const e = err instanceof GoogleHttpError ? err : new GoogleHttpError(500, String(err));
      rec.status = e.status;
      if (!res.headersSent) {
        res.writeHead(e.status, {
          'content-type': 'application/json; charset=UTF-8',
          ...(e.status === 429 ? { 'retry-after': '0' } : {}),
        });
        res.end(e.body());
      } else {
        res.destroy();
      }
      rec.doneAt ??= Date.now();
    }
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = requestUrl(req);
    const rawPath = (req.url ?? '/').split('?')[0]!;
    const rec = this.#record('ws', req, rawPath);
    const refuse = (status: number, error: GoogleHttpError) => {
      rec.status = status;
      rec.doneAt = Date.now();
      const body = error.body();
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
          'Content-Type: application/json; charset=UTF-8\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          'Connection: close\r\n\r\n' +
          body,
      );
    };
    if (!LIVE_PATH.test(url.pathname)) {
      return refuse(404, new GoogleHttpError(404, 'Method not found.'));
    }
    const refused = this.#refuseUpgrades.shift();
    if (refused !== undefined) {
      rec.fault = 'fail';
      return refuse(refused, faultError(refused));
    }
    const plan: LivePlan = {};
    const fault = this.#faults.shift();
    if (fault?.kind === 'fail') {
      rec.fault = 'fail';
      if (this.liveFailure === 'refuse') return refuse(fault.status, faultError(fault.status));
      plan.fail = fault.status;
    } else if (fault?.kind === 'stall') {
      rec.fault = 'stall';
      plan.stall = true;
    }
    if (this.#drop) {
      this.#drop = false;
      plan.drop = true;
    }
    rec.status = 101;
    const key = url.searchParams.get('key') ?? (req.headers['x-goog-api-key'] as string | undefined);
    this.#wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const record: LiveConnectionRecord = {
        index: this.live.length + 1,
        path: rawPath,
        ...(key ? { key } : {}),
        received: [],
        turns: [],
        audioInMs: 0,
      };
      this.live.push(record);
      const conn = new LiveConnection(ws, this.#liveEnv(), record, rec, plan);
      this.#connections.add(conn);
      ws.on('close', () => this.#connections.delete(conn));
    });
  }
}

/** Starts the Google fake on 127.0.0.1 and a free port. */
export function startGoogleFake(options: GoogleFakeOptions = {}): Promise<GoogleFake> {
  return new GoogleFake(options).listen();
}
