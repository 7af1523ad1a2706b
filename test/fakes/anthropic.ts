/**
 * A local stand-in for Anthropic's Messages API (version `2023-06-01`), speaking the wire protocol
 * as the public API reference describes it:
 *
 *  - `POST /v1/messages`: the body is checked as the API checks it ({@link validateMessagesRequest}:
 *    `max_tokens`, alternating roles, `tool_use`/`tool_result` pairing…; 400
 *    `invalid_request_error` otherwise). With `stream: true` the answer is `text/event-stream`:
 *    `message_start`, `ping`, then per content block `content_block_start`, `content_block_delta`
 *    (`text_delta` per word, `input_json_delta` pieces for a `tool_use`) and `content_block_stop`,
 *    then `message_delta` (stop reason, cumulative `output_tokens`) and `message_stop`. Without
 *    `stream`, one `message` object.
 *  - `GET /v1/models`: a page of model objects (what Parley calls to check a key).
 *
 * Every route wants `x-api-key` (401 `authentication_error` otherwise) and `anthropic-version`
 * (400). Errors are the API's bodies: `{"type":"error","error":{"type","message"},"request_id"}`
 * with a `request-id` header; a 429 carries `retry-after: 0`.
 *
 * The reply is the bakery agent's rules answer to the last user text; after a tool result, the
 * result's text. `toolUse` makes it call a named tool first; `reply` replaces all of that
 * (`anthropic-reply.ts`). Faults and latency follow {@link FakeProviderControl};
 * {@link FakeAnthropic.streamErrorNext} adds the API's own mid-stream failure (an `error` event
 * after a 200).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  validateMessagesRequest,
  type MessageIn,
  type MessagesBodyIn,
  type ToolIn,
} from './anthropic-validate.ts';
import { replyTurn, type FakeToolUse, type ReplyOptions } from './anthropic-reply.ts';
import type { FakeProviderControl, FakeRequestRecord } from './control.ts';
import { tokens } from './openai-rest.ts';

export type { BlockIn, MessageIn, ToolIn } from './anthropic-validate.ts';
export type { AnthropicReplyInput, AnthropicTurn, FakeToolUse } from './anthropic-reply.ts';

/** What {@link startAnthropicFake} accepts; {@link FakeAnthropic.configure} changes it later. */
export interface FakeAnthropicOptions extends ReplyOptions {
  /** The key clients must send in `x-api-key`. Default `sk-ant-fake-key`. */
  apiKey?: string;
  /** Between text deltas after the first, ms. Default 0. */
  tokenIntervalMs?: number;
  /** Accept a conversation ending with an assistant turn; Claude 4.6+ refuse it, so the default is no. */
  allowPrefill?: boolean;
}

/** One request, with what the client sent and what the fake answered. */
export interface AnthropicRequestRecord extends FakeRequestRecord {
  /** The `x-api-key` and `anthropic-version` headers as sent. */
  apiKey?: string;
  version?: string;
  stream?: boolean;
  system?: string;
  messages?: MessageIn[];
  tools?: ToolIn[];
  toolChoice?: MessagesBodyIn['tool_choice'];
  maxTokens?: number;
  temperature?: number;
  /** The tool call answered, if any. */
  toolUse?: Required<FakeToolUse>;
  stopReason?: string;
  usage?: { input_tokens: number; output_tokens: number };
  /** The error answered (status ≥ 400, or an `error` event). */
  error?: { type: string; message: string };
}

/** The key the fake accepts unless `apiKey` says otherwise. */
export const DEFAULT_FAKE_ANTHROPIC_KEY = 'sk-ant-fake-key';
const VERSION = '2023-06-01';

/** Anthropic's error `type` for an HTTP status, as its error reference lists them. */
export function errorTypeFor(status: number): string {
  const types: Record<number, string> = {
    400: 'invalid_request_error',
    401: 'authentication_error',
    402: 'billing_error',
    403: 'permission_error',
    404: 'not_found_error',
    413: 'request_too_large',
    429: 'rate_limit_error',
    500: 'api_error',
    504: 'timeout_error',
    529: 'overloaded_error',
  };
  return types[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

const DEFAULT_MESSAGES: Record<string, string> = {
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit.',
  overloaded_error: 'Overloaded',
  api_error: 'Internal server error',
  authentication_error: 'invalid x-api-key',
  permission_error: 'Your API key does not have permission to use the specified resource.',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = errorTypeFor(status),
  ) {
    super(message);
  }
}

const hex = (n: number) => randomUUID().replace(/-/g, '').slice(0, n);
/** The fake server; start it with {@link startAnthropicFake}. */
export class FakeAnthropic implements FakeProviderControl {
  readonly #requests: AnthropicRequestRecord[] = [];
  readonly #server: Server;
  readonly #opts: FakeAnthropicOptions;
  #url = '';
  #n = 0;
  #latencyMs = 0;
  #fail: { status: number; count: number } | undefined;
  #drop = false;
  #stall = false;
  #streamError: string | undefined;
  #closed = false;
  readonly #wakers = new Set<() => void>();

  constructor(options: FakeAnthropicOptions = {}) {
    this.#opts = { ...options };
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  get baseUrl(): string {
    return this.#url;
  }

  get apiKey(): string {
    return this.#opts.apiKey ?? DEFAULT_FAKE_ANTHROPIC_KEY;
  }

  get requests(): readonly AnthropicRequestRecord[] {
    return this.#requests;
  }

  /** The `POST /v1/messages` requests only. */
  get messageRequests(): readonly AnthropicRequestRecord[] {
    return this.#requests.filter((r) => r.path === '/v1/messages');
  }

  /** Changes the reply, tool use or pacing for the following requests. */
  configure(options: Partial<FakeAnthropicOptions>): void {
    Object.assign(this.#opts, options);
  }

  failNext(status: number, count = 1): void {
    this.#fail = { status, count };
  }

  dropNext(): void {
    this.#drop = true;
  }

  stallNext(): void {
    this.#stall = true;
  }

  /**
   * The next streamed message fails after `message_start` with an `error` event of this type, the
   * way the API reports an overload that starts after it answered 200.
   */
  streamErrorNext(type = 'overloaded_error'): void {
    this.#streamError = type;
  }

  setLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  reset(): void {
    this.#requests.length = 0;
    this.#fail = undefined;
    this.#drop = this.#stall = false;
    this.#streamError = undefined;
    this.#latencyMs = 0;
  }

  listen(): Promise<this> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => {
        const { port } = this.#server.address() as AddressInfo;
        this.#url = `http://127.0.0.1:${port}`;
        resolve(this);
      });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const wake of this.#wakers) wake();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /**
   * Waits until the clock reads `t` (or the server closes). Timers can fire a millisecond early by
   * `Date.now()`, and the latency knob promises no output before its time.
   */
  async #sleepUntil(t: number): Promise<void> {
    while (!this.#closed && Date.now() < t) await this.#sleep(t - Date.now());
  }

  /** Waits `ms`, or less when the server closes. */
  #sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#wakers.add(wake);
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const rec: AnthropicRequestRecord = {
      kind: 'http',
      method: req.method ?? 'GET',
      path,
      status: 200,
      at: Date.now(),
      apiKey: header(req, 'x-api-key'),
      version: header(req, 'anthropic-version'),
    };
    this.#requests.push(rec);
    // Until `finished`, a closed connection is the client giving up.
    let finished = false;
    const state = { closed: false };
    res.on('close', () => {
      state.closed = true;
      if (!finished) {
        rec.cancelled = true;
        rec.doneAt ??= Date.now();
      }
    });
    const done = () => {
      finished = true;
      rec.doneAt = Date.now();
    };
    try {
      const raw = await readBody(req);
      if (!rec.apiKey) throw new HttpError(401, 'x-api-key header is required');
      if (rec.apiKey !== this.apiKey) throw new HttpError(401, 'invalid x-api-key');
      if (!rec.version) throw new HttpError(400, 'anthropic-version: header is required');
      if (rec.version !== VERSION)
        throw new HttpError(400, `anthropic-version: invalid version ${rec.version}`);
      const known =
        (path === '/v1/messages' && req.method === 'POST') || (path === '/v1/models' && req.method === 'GET');
      if (!known) throw new HttpError(404, 'Not Found');
      if (this.#fail && this.#fail.count > 0) {
        const { status } = this.#fail;
        if (--this.#fail.count === 0) this.#fail = undefined;
        rec.fault = 'fail';
        const type = errorTypeFor(status);
        throw new HttpError(status, DEFAULT_MESSAGES[type] ?? `Fake failure ${status}`, type);
      }
      if (this.#stall) {
        this.#stall = false;
        rec.fault = 'stall';
        return; // Accepted and never answered; the close handler records the client giving up.
      }
      if (path === '/v1/models') {
        writeJson(res, 200, modelPage());
        done();
        return;
      }
      await this.#messages(rec, raw, res, state, done);
    } catch (err) {
      const e = err instanceof HttpError ? err : new HttpError(500, String(err), 'api_error');
      rec.status = e.status;
      rec.error = { type: e.type, message: e.message };
      if (!res.headersSent) {
        const requestId = `req_${hex(24)}`;
        const headers: Record<string, string> = { 'request-id': requestId };
        if (e.status === 429) headers['retry-after'] = '0';
        writeJson(
          res,
          e.status,
          {
            type: 'error',
            error: { type: e.type, message: e.message },
            request_id: requestId,
          },
          headers,
        );
      } else {
        res.destroy();
      }
      done();
    }
  }

  async #messages(
    rec: AnthropicRequestRecord,
    raw: Buffer,
    res: ServerResponse,
    state: { closed: boolean },
    done: () => void,
  ): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpError(400, 'There was an issue with your request body: invalid JSON.');
    }
    const invalid = validateMessagesRequest(parsed, { allowPrefill: this.#opts.allowPrefill });
    const body = parsed as MessagesBodyIn;
    const system =
      typeof body.system === 'string' ? body.system : (body.system ?? []).map((b) => b.text).join('\n');
    Object.assign(rec, {
      model: body.model,
      stream: body.stream === true,
      system,
      messages: body.messages,
      tools: body.tools,
      toolChoice: body.tool_choice,
      maxTokens: body.max_tokens,
      temperature: body.temperature,
    });
    if (invalid) throw new HttpError(400, invalid);

    const turn = replyTurn(body, system, ++this.#n, this.#opts);
    const messageId = `msg_${hex(24)}`;
    const toolUse = turn.toolUse && { ...turn.toolUse, id: turn.toolUse.id ?? `toolu_${hex(24)}` };
    const parts = turn.text ? tokens(turn.text) : [];
    const inputJson = toolUse ? JSON.stringify(toolUse.input) : '';
    const usage = {
      input_tokens: Math.ceil(JSON.stringify([body.system, body.messages, body.tools]).length / 4),
      output_tokens: parts.length + (toolUse ? Math.ceil(inputJson.length / 4) + 5 : 0),
    };
    const stopReason = toolUse ? 'tool_use' : 'end_turn';
    Object.assign(rec, { text: turn.text ?? '', toolUse, stopReason, usage });
    const firstOutputAt = rec.at + this.#latencyMs;

    if (!rec.stream) {
      await this.#sleepUntil(firstOutputAt);
      if (state.closed) return;
      const content: unknown[] = [];
      if (turn.text) content.push({ type: 'text', text: turn.text });
      if (toolUse) content.push({ type: 'tool_use', ...toolUse });
      rec.firstOutputAt = Date.now();
      writeJson(
        res,
        200,
        {
          id: messageId,
          type: 'message',
          role: 'assistant',
          model: body.model,
          content,
          stop_reason: stopReason,
          stop_sequence: null,
          usage: { ...usage, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
        },
        { 'request-id': `req_${hex(24)}` },
      );
      done();
      return;
    }

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'request-id': `req_${hex(24)}`,
    });
    const send = (event: string, data: Record<string, unknown>) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
    send('message_start', {
      message: {
        id: messageId,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: usage.input_tokens,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 1,
        },
      },
    });
    send('ping', {});
    if (this.#streamError) {
      const type = this.#streamError;
      this.#streamError = undefined;
      rec.fault = 'fail';
      rec.error = { type, message: DEFAULT_MESSAGES[type] ?? type };
      send('error', { error: rec.error });
      res.end();
      done();
      return;
    }
    await this.#sleepUntil(firstOutputAt);
    const drop = this.#drop;
    this.#drop = false;
    // After the first output: cut the connection when dropNext() asked for it.
    const output = (): boolean => {
      if (rec.firstOutputAt !== undefined) return !state.closed;
      rec.firstOutputAt = Date.now();
      if (!drop) return true;
      rec.fault = 'drop';
      done();
      // Flush what was written (the first output), then cut: no terminating chunk, no more events.
      res.socket?.destroySoon();
      return false;
    };
    if (state.closed) return;
    let index = 0;
    if (parts.length > 0) {
      send('content_block_start', { index, content_block: { type: 'text', text: '' } });
      for (const [i, text] of parts.entries()) {
        if (i > 0) await this.#sleep(this.#opts.tokenIntervalMs ?? 0);
        if (state.closed) return;
        send('content_block_delta', { index, delta: { type: 'text_delta', text } });
        if (!output()) return;
      }
      send('content_block_stop', { index });
      index++;
    }
    if (toolUse) {
      send('content_block_start', {
        index,
        content_block: { type: 'tool_use', id: toolUse.id, name: toolUse.name, input: {} },
      });
      if (!output()) return;
      // The input arrives as JSON cut at arbitrary places, as the API streams it.
      const third = Math.ceil(inputJson.length / 3);
      for (let o = 0; o < inputJson.length; o += third) {
        send('content_block_delta', {
          index,
          delta: { type: 'input_json_delta', partial_json: inputJson.slice(o, o + third) },
        });
      }
      send('content_block_stop', { index });
    }
    if (state.closed) return;
    send('message_delta', {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    });
    send('message_stop', {});
    res.end();
    done();
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** `GET /v1/models` as the API answers it: the newest models first, one page. */
export function modelPage() {
  const data = ['claude-opus-4-7', 'claude-sonnet-4-6', 'claude-sonnet-4-5', 'claude-haiku-4-5'].map(
    (id, i) => ({
      type: 'model',
      id,
      display_name: id.replace(/^claude-/, 'Claude ').replace(/-(\d)-(\d)$/, ' $1.$2'),
      created_at: new Date(Date.UTC(2026, 3 - i, 1)).toISOString(),
    }),
  );
  return { data, has_more: false, first_id: data[0]!.id, last_id: data.at(-1)!.id };
}

/** Starts the fake on 127.0.0.1 and a free port. */
export function startAnthropicFake(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  return new FakeAnthropic(options).listen();
}
