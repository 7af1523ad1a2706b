/**
 * A local stand-in for OpenAI's REST API with fixed provider latencies, speaking the wire protocol
 * as `@livekit/agents-plugin-openai` 1.9 (through the `openai` 6.x client) uses it:
 *
 *  - `POST /v1/chat/completions`: with `stream: true`, `text/event-stream` of
 *    `data: {chat.completion.chunk}` lines (role, content deltas, `finish_reason: stop`, a usage
 *    chunk when `stream_options.include_usage`) and `data: [DONE]`; the response (headers and first
 *    token) starts `llmFirstTokenMs` after the request; without `stream`, one `chat.completion`.
 *  - `POST /v1/audio/speech` (`response_format: pcm`): raw PCM16 mono 24 kHz, flite speech of
 *    `input` resampled, without flite's lead-in of near-silence (a provider's audio starts with the
 *    voice, so the benchmark does not count flite's silence as Parley's latency); the first byte goes out `ttsFirstByteMs` after the request, the rest
 *    follows in chunks. Note the plugin's TTS buffers the whole body before playing it, so what the
 *    worker sees as TTS latency is the time to the last byte.
 *  - `POST /v1/audio/transcriptions` (multipart, `file` = WAV): the transcript `sttFinalMs` after
 *    the upload finished; pocketsphinx (one warm recognizer, a domain language model built from
 *    `phrases`) or a configured transcript. This is the plugin's non-realtime STT path
 *    (`useRealtime: false`), which Parley uses for the catalog's non-streaming models (whisper-1).
 *
 * Every route requires `Authorization: Bearer <key>` (401 with OpenAI's JSON error otherwise).
 * When the work itself (synthesis, decoding) outlasts the configured latency, the response goes
 * out when it is done; each {@link RestRequestRecord} carries the latency actually served.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resamplePcm16 } from '../../src/audio/resample.ts';
import { wavHeader } from '../../src/audio/wav.ts';
import {
  FliteSynthesizer,
  isFliteVoice,
  withoutLeadIn,
  type FliteVoice,
} from '../../src/providers/flite/index.ts';
import { DEFAULT_POCKETSPHINX_MODEL_DIR } from '../../src/providers/pocketsphinx/index.ts';
import { PocketsphinxRecognizer } from '../../src/providers/pocketsphinx/recognizer.ts';
import { matchIntent, rulesConfigSchema, type RulesConfig } from '../../src/providers/rules/index.ts';
import { bakery, bakeryAgent } from '../fixtures/bakery-agent.ts';
import type { FakeProviderControl, FakeRequestRecord } from './control.ts';
import { sleep } from './clock.ts';

export const TTS_RATE = 24_000;

/** A chat message as the client sent it (content may be a string or content parts). */
export interface ChatMessageIn {
  role: string;
  content?: string | { type: string; text?: string }[] | null;
}

export interface ReplyInput {
  /** The last user message's text ('' when there is none). */
  lastUser: string;
  messages: ChatMessageIn[];
  model: string;
  /** 1-based index of the chat completion across the server's lifetime. */
  n: number;
}

export interface TranscriptInput {
  /** The uploaded audio, mono PCM16. */
  pcm: Int16Array;
  sampleRate: number;
  model: string;
  /** 1-based index of the transcription across the server's lifetime. */
  n: number;
}

export interface FakeOpenAIRestOptions {
  /** The API key clients must present; default: any non-empty bearer token. */
  apiKey?: string;
  /** Request → first SSE token (and response headers), ms. Default 0. */
  llmFirstTokenMs?: number;
  /** Between the following content deltas, ms. Default 0 (all right after the first). */
  llmTokenIntervalMs?: number;
  /** Request → first byte of speech, ms. Default 0. */
  ttsFirstByteMs?: number;
  /** Between the following audio chunks, ms. Default 0. */
  ttsChunkIntervalMs?: number;
  /** Bytes per audio chunk after the first. Default 9600 (200 ms at 24 kHz). */
  ttsChunkBytes?: number;
  /** Upload complete → transcript, ms. Default 0. */
  sttFinalMs?: number;
  /** The assistant's reply text; default {@link bakeryReply}. */
  reply?: (input: ReplyInput) => string;
  /** A fixed transcript (or a function of the upload) instead of pocketsphinx. */
  transcript?: string | ((input: TranscriptInput) => string | Promise<string>);
  /** Phrases for pocketsphinx's language model; default the bakery callers' phrases. */
  phrases?: string[];
  /** The flite voice for synthesized speech; default kal16. */
  voice?: FliteVoice;
}

/** One request the server answered, with its timing (epoch ms). */
export interface RestRequestRecord extends FakeRequestRecord {
  route: 'chat' | 'speech' | 'transcription' | 'other';
  /** The request body was complete. */
  bodyAt?: number;
  /** The first byte of the response body (first token, first audio, the transcript). */
  firstByteAt?: number;
  /** Served latency: first byte − (body complete for transcriptions, request start otherwise). */
  latencyMs?: number;
  model?: string;
  stream?: boolean;
  /** Chat: the reply; speech: `input`; transcription: the transcript. */
  text?: string;
  /** Chat: the last user message. */
  prompt?: string;
  /** Speech: PCM bytes sent; transcription: uploaded audio duration in ms. */
  bytes?: number;
  audioMs?: number;
  authorization?: string;
}

const id = (prefix: string) => `${prefix}${randomUUID().replace(/-/g, '').slice(0, 24)}`;

const bakeryRules: RulesConfig = rulesConfigSchema.parse(bakeryAgent().llmModelParams);

/** The bakery agent's rules applied to the caller's words (its fallback when nothing matches). */
export function bakeryReply(input: Pick<ReplyInput, 'lastUser'>): string {
  return matchIntent(bakeryRules, input.lastUser).reply;
}

function textOf(content: ChatMessageIn['content']): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => p.text ?? '').join('');
  return '';
}

/** Content deltas: the reply split after each word (the first keeps its leading word). */
export function tokens(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [text];
}

/** Mono PCM16 from a RIFF/WAVE file (first channel when there are several). */
export function parseWav(buf: Buffer): { pcm: Int16Array; sampleRate: number } {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a WAV file');
  }
  let offset = 12;
  let sampleRate = 0;
  let channels = 1;
  while (offset + 8 <= buf.length) {
    const chunk = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (chunk === 'fmt ') {
      channels = buf.readUInt16LE(body + 2);
      sampleRate = buf.readUInt32LE(body + 4);
    } else if (chunk === 'data') {
      const end = Math.min(buf.length, body + size);
      const all = new Int16Array(
        buf.buffer.slice(buf.byteOffset + body, buf.byteOffset + end - ((end - body) % 2)),
      );
      if (channels === 1) return { pcm: all, sampleRate };
      const mono = new Int16Array(Math.floor(all.length / channels));
      for (let i = 0; i < mono.length; i++) mono[i] = all[i * channels]!;
      return { pcm: mono, sampleRate };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAV file without a data chunk');
}

/** `GET /v1/models` as OpenAI answers it (a few of the catalog's models). */
export function modelList() {
  const created = 1_700_000_000;
  return {
    object: 'list',
    data: ['gpt-4o-mini', 'tts-1', 'whisper-1', 'gpt-realtime'].map((id) => ({
      id,
      object: 'model',
      created,
      owned_by: 'system',
    })),
  };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = 'invalid_request_error',
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

type ResolvedOptions = Required<
  Omit<FakeOpenAIRestOptions, 'apiKey' | 'transcript' | 'reply' | 'phrases' | 'voice'>
> &
  FakeOpenAIRestOptions;

export class FakeOpenAIRest implements FakeProviderControl {
  readonly requests: RestRequestRecord[] = [];
  #server: Server;
  #opts: ResolvedOptions;
  #synth?: FliteSynthesizer;
  #speechCache = new Map<string, Promise<Buffer>>();
  #recognizer?: PocketsphinxRecognizer;
  #chats = 0;
  #transcriptions = 0;
  #url = '';
  #failures = 0;
  #failStatus = 500;
  #drops = 0;
  #stalls = 0;

  constructor(options: FakeOpenAIRestOptions = {}) {
    this.#opts = {
      llmFirstTokenMs: 0,
      llmTokenIntervalMs: 0,
      ttsFirstByteMs: 0,
      ttsChunkIntervalMs: 0,
      ttsChunkBytes: 9600,
      sttFinalMs: 0,
      ...options,
    };
    this.#started = { ...this.#opts };
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  /** The options it was started with: {@link reset} returns the latencies to them. */
  readonly #started: ResolvedOptions;

  /** `http://127.0.0.1:PORT/v1`: the `baseURL` of the OpenAI client / the provider credentials. */
  get baseUrl(): string {
    return this.#url;
  }

  /**
   * The next `count` chat, speech or transcription requests are refused with `status` and OpenAI's
   * error body (`Infinity`: until {@link reset}).
   */
  failNext(status: number, count = 1): void {
    this.#failStatus = status;
    this.#failures = count;
  }

  /** The next chat or speech response is cut right after its first output. */
  dropNext(): void {
    this.#drops++;
  }

  /** The next request is accepted and never answered. */
  stallNext(): void {
    this.#stalls++;
  }

  /** First-output latency of every route (first token, first audio byte, the transcript). */
  setLatency(ms: number): void {
    this.configure({ llmFirstTokenMs: ms, ttsFirstByteMs: ms, sttFinalMs: ms });
  }

  /** The key clients must present (any bearer token when none was configured). */
  get apiKey(): string {
    return this.#opts.apiKey ?? 'sk-any';
  }

  /** Changes latencies or behaviour for the following requests. */
  configure(options: Partial<FakeOpenAIRestOptions>): void {
    Object.assign(this.#opts, options);
  }

  listen(): Promise<this> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => {
        const { port } = this.#server.address() as AddressInfo;
        this.#url = `http://127.0.0.1:${port}/v1`;
        resolve(this);
      });
    });
  }

  /** Synthesizes (and caches) speech for texts ahead of time, so the first request is not slower. */
  async warm(texts: string[]): Promise<void> {
    await Promise.all(texts.map((t) => this.#speech(t)));
    if (!this.#opts.transcript) await this.#recognizerReady();
  }

  /** The speech this server returns for `text` (PCM16 mono at {@link TTS_RATE}). */
  async speechPcm(text: string, voice?: FliteVoice): Promise<Int16Array> {
    const buf = await this.#speech(text, voice);
    return new Int16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  }

  reset(): void {
    const { llmFirstTokenMs, llmTokenIntervalMs, ttsFirstByteMs, ttsChunkIntervalMs, sttFinalMs } =
      this.#started;
    this.configure({ llmFirstTokenMs, llmTokenIntervalMs, ttsFirstByteMs, ttsChunkIntervalMs, sttFinalMs });
    this.requests.length = 0;
    this.#failures = 0;
    this.#drops = 0;
    this.#stalls = 0;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await this.#recognizer?.close();
    await this.#synth?.close();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const route =
      path === '/v1/chat/completions'
        ? 'chat'
        : path === '/v1/audio/speech'
          ? 'speech'
          : path === '/v1/audio/transcriptions'
            ? 'transcription'
            : 'other';
    const rec: RestRequestRecord = {
      kind: 'http',
      route,
      method: req.method ?? 'GET',
      path,
      status: 200,
      at: Date.now(),
      authorization: req.headers.authorization,
    };
    this.requests.push(rec);
    res.on('close', () => {
      rec.firstOutputAt ??= rec.firstByteAt;
      if (!res.writableFinished) rec.cancelled = true;
      rec.doneAt ??= Date.now();
    });
    try {
      const body = await new Promise<Buffer>((resolve, reject) => {
        const parts: Buffer[] = [];
        req.on('data', (d: Buffer) => parts.push(d));
        req.on('end', () => resolve(Buffer.concat(parts)));
        req.on('error', reject);
      });
      rec.bodyAt = Date.now();
      const auth = req.headers.authorization ?? '';
      const key = auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
      if (!key || (this.#opts.apiKey !== undefined && key !== this.#opts.apiKey)) {
        throw new HttpError(
          401,
          key ? `Incorrect API key provided: ${key.slice(0, 6)}…` : 'You did not provide an API key.',
          'invalid_request_error',
          key ? 'invalid_api_key' : null,
        );
      }
      if (path === '/v1/models' && req.method === 'GET') {
        // What Parley calls to check a key when an organization stores it.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(modelList()));
        rec.doneAt = Date.now();
        return;
      }
      if (route === 'other' || req.method !== 'POST') {
        throw new HttpError(
          404,
          `Unknown request URL: ${req.method} ${path}.`,
          'invalid_request_error',
          'unknown_url',
        );
      }
      if (this.#failures > 0) {
        this.#failures--;
        rec.fault = 'fail';
        const status = this.#failStatus;
        throw new HttpError(
          status,
          status === 429
            ? 'Rate limit reached for requests.'
            : 'The server had an error processing your request.',
          status === 429 ? 'requests' : 'server_error',
          status === 429 ? 'rate_limit_exceeded' : null,
        );
      }
      if (this.#stalls > 0) {
        this.#stalls--;
        rec.fault = 'stall';
        return; // never answered; the client gives up
      }
      if (this.#drops > 0 && route !== 'transcription') {
        this.#drops--;
        rec.fault = 'drop';
        // Cut the response right after its first output: the socket is destroyed at once and
        // whatever the route writes afterwards goes nowhere.
        const write = res.write.bind(res) as (...a: unknown[]) => boolean;
        let writes = 0;
        res.write = ((...args: unknown[]) => {
          if (res.destroyed) return false;
          const ok = write(...args);
          if (++writes >= 2) res.destroy();
          return ok;
        }) as typeof res.write;
        const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
        res.end = ((...args: unknown[]) => (res.destroyed ? res : end(...args))) as typeof res.end;
      }
      if (route === 'chat') await this.#chat(rec, body, res);
      else if (route === 'speech') await this.#speechRoute(rec, body, res);
      else await this.#transcription(rec, req, body, res);
    } catch (err) {
      const e = err instanceof HttpError ? err : new HttpError(500, String(err), 'server_error');
      rec.status = e.status;
      if (!res.headersSent) {
        res.writeHead(e.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: e.message, type: e.type, param: null, code: e.code } }));
      } else {
        res.destroy();
      }
      rec.doneAt = Date.now();
    }
  }

  #json(body: Buffer): Record<string, any> {
    try {
      return JSON.parse(body.toString('utf8')) as Record<string, any>;
    } catch {
      throw new HttpError(400, 'We could not parse the JSON body of your request.');
    }
  }

  async #chat(rec: RestRequestRecord, raw: Buffer, res: ServerResponse): Promise<void> {
    const body = this.#json(raw);
    const messages = (Array.isArray(body.messages) ? body.messages : []) as ChatMessageIn[];
    if (typeof body.model !== 'string' || messages.length === 0) {
      throw new HttpError(400, "Missing required parameters: 'model' and 'messages'.");
    }
    const n = ++this.#chats;
    const lastUser = textOf([...messages].reverse().find((m) => m.role === 'user')?.content);
    const text = (this.#opts.reply ?? bakeryReply)({ lastUser, messages, model: body.model, n });
    Object.assign(rec, { model: body.model, stream: body.stream === true, text, prompt: lastUser });
    const completionId = id('chatcmpl-');
    const created = Math.floor(Date.now() / 1000);
    const usage = {
      prompt_tokens: 50,
      completion_tokens: tokens(text).length,
      total_tokens: 50 + tokens(text).length,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    };
    let closed = false;
    res.on('close', () => (closed = true));
    await sleep(rec.at + this.#opts.llmFirstTokenMs - Date.now());
    if (closed) return;
    if (body.stream !== true) {
      rec.firstByteAt = Date.now();
      rec.latencyMs = rec.firstByteAt - rec.at;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: completionId,
          object: 'chat.completion',
          created,
          model: body.model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: text, refusal: null },
              logprobs: null,
              finish_reason: 'stop',
            },
          ],
          usage,
          system_fingerprint: 'fp_fake',
        }),
      );
      rec.doneAt = Date.now();
      return;
    }
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      `data: ${JSON.stringify({
        id: completionId,
        object: 'chat.completion.chunk',
        created,
        model: body.model,
        system_fingerprint: 'fp_fake',
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      })}\n\n`;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-request-id': id('req_'),
    });
    const parts = tokens(text);
    res.write(chunk({ role: 'assistant', content: '', refusal: null }, null));
    for (let i = 0; i < parts.length; i++) {
      if (i > 0 && this.#opts.llmTokenIntervalMs > 0) await sleep(this.#opts.llmTokenIntervalMs);
      if (closed) return;
      res.write(chunk({ content: parts[i] }, null));
      if (i === 0) {
        rec.firstByteAt = Date.now();
        rec.latencyMs = rec.firstByteAt - rec.at;
      }
    }
    res.write(chunk({}, 'stop'));
    if (body.stream_options?.include_usage) {
      res.write(
        `data: ${JSON.stringify({
          id: completionId,
          object: 'chat.completion.chunk',
          created,
          model: body.model,
          system_fingerprint: 'fp_fake',
          choices: [],
          usage,
        })}\n\n`,
      );
    }
    res.end('data: [DONE]\n\n');
    rec.doneAt = Date.now();
  }

  #speech(text: string, voice: FliteVoice = this.#opts.voice ?? 'kal16'): Promise<Buffer> {
    const key = `${voice}\u0000${text}`;
    let cached = this.#speechCache.get(key);
    if (!cached) {
      this.#synth ??= new FliteSynthesizer();
      cached = this.#synth.synthesize(text, voice).then((r) => {
        const pcm = resamplePcm16(withoutLeadIn(r), r.sampleRate, TTS_RATE);
        return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
      });
      cached.catch(() => this.#speechCache.delete(key));
      this.#speechCache.set(key, cached);
    }
    return cached;
  }

  async #speechRoute(rec: RestRequestRecord, raw: Buffer, res: ServerResponse): Promise<void> {
    const body = this.#json(raw);
    if (typeof body.input !== 'string' || typeof body.model !== 'string') {
      throw new HttpError(400, "Missing required parameters: 'model' and 'input'.");
    }
    const format = body.response_format ?? 'mp3';
    if (format !== 'pcm' && format !== 'wav') {
      throw new HttpError(400, `This fake serves response_format pcm and wav, not ${String(format)}.`);
    }
    Object.assign(rec, { model: body.model, text: body.input });
    const voice = isFliteVoice(String(body.voice)) ? (body.voice as FliteVoice) : undefined;
    let audio = await this.#speech(body.input, voice);
    if (format === 'wav') audio = Buffer.concat([wavHeader(audio.length, TTS_RATE), audio]);
    let closed = false;
    res.on('close', () => (closed = true));
    await sleep(rec.at + this.#opts.ttsFirstByteMs - Date.now());
    if (closed) return;
    res.writeHead(200, {
      'content-type': format === 'pcm' ? 'application/octet-stream' : 'audio/wav',
      'transfer-encoding': 'chunked',
    });
    // The first chunk is tiny (the "first byte"); the rest follows in ttsChunkBytes pieces.
    const first = Math.min(audio.length, 480);
    res.write(audio.subarray(0, first));
    rec.firstByteAt = Date.now();
    rec.latencyMs = rec.firstByteAt - rec.at;
    for (let o = first; o < audio.length; o += this.#opts.ttsChunkBytes) {
      if (this.#opts.ttsChunkIntervalMs > 0) await sleep(this.#opts.ttsChunkIntervalMs);
      if (closed) return;
      res.write(audio.subarray(o, o + this.#opts.ttsChunkBytes));
    }
    res.end();
    rec.bytes = audio.length;
    rec.doneAt = Date.now();
  }

  #recognizerReady(): Promise<unknown> {
    this.#recognizer ??= new PocketsphinxRecognizer({
      modelDir: DEFAULT_POCKETSPHINX_MODEL_DIR,
      languageModel: {
        kind: 'domain',
        phrases: [...(this.#opts.phrases ?? bakery.turns.map((t) => t.say)), 'hello', 'thank you', 'sorry'],
      },
      endSilenceMs: 500,
      interimIntervalMs: 300,
      decoderScope: 'utterance',
    });
    return this.#recognizer.ready();
  }

  async #transcription(
    rec: RestRequestRecord,
    req: IncomingMessage,
    raw: Buffer,
    res: ServerResponse,
  ): Promise<void> {
    const type = req.headers['content-type'] ?? '';
    if (!type.startsWith('multipart/form-data')) {
      throw new HttpError(400, 'Expected a multipart/form-data body.');
    }
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': type } }).formData();
    const file = form.get('file');
    const model = form.get('model');
    if (!file || typeof file === 'string' || typeof model !== 'string') {
      throw new HttpError(400, "Missing required parameters: 'file' and 'model'.");
    }
    const { pcm, sampleRate } = parseWav(Buffer.from(await file.arrayBuffer()));
    const n = ++this.#transcriptions;
    Object.assign(rec, { model, audioMs: Math.round((pcm.length * 1000) / sampleRate) });
    const configured = this.#opts.transcript;
    const work =
      typeof configured === 'string'
        ? Promise.resolve(configured)
        : configured
          ? Promise.resolve(configured({ pcm, sampleRate, model, n }))
          : this.#recognizerReady().then(() =>
              this.#recognizer!.recognize(resamplePcm16(pcm, sampleRate, 16_000)).then((r) => r.text),
            );
    const started = rec.bodyAt ?? Date.now();
    const [text] = await Promise.all([work, sleep(started + this.#opts.sttFinalMs - Date.now())]);
    rec.text = text;
    const format = form.get('response_format') ?? 'json';
    rec.firstByteAt = Date.now();
    rec.latencyMs = rec.firstByteAt - started;
    if (format === 'text') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(text);
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ text, usage: { type: 'duration', seconds: Math.ceil(pcm.length / sampleRate) } }),
      );
    }
    rec.doneAt = Date.now();
  }
}

/** Starts the fake on 127.0.0.1 and a free port. */
export function startFakeOpenAIRest(options: FakeOpenAIRestOptions = {}): Promise<FakeOpenAIRest> {
  return new FakeOpenAIRest(options).listen();
}
