/** One streamed answer of the Messages API, as an `llm.LLMStream` of chunks. */
import { APIConnectionError, APIError, APITimeoutError, type APIConnectOptions, llm } from '@livekit/agents';
import { toAnthropicMessages } from './chat-context.ts';
import { responseError, streamEventError } from './errors.ts';
import { MessageStreamParser } from './message-stream.ts';
import { readServerSentEvents } from './sse.ts';
import { toAnthropicToolChoice, toAnthropicTools } from './tools.ts';
import type { ErrorBody, MessagesRequest, StreamEvent } from './wire.ts';

/** What one request needs besides the conversation; the {@link AnthropicLLM} fills it in. */
export interface AnthropicRequestOptions {
  /** `…/v1/messages`. */
  url: string;
  headers: Record<string, string>;
  model: string;
  maxTokens: number;
  temperature?: number;
  toolChoice?: llm.ToolChoice;
  parallelToolCalls?: boolean;
  /** More body fields (`top_p`, `stop_sequences`, `metadata`…); the fields above take precedence. */
  extra?: Record<string, unknown>;
}

/**
 * Sends the chat context with `stream: true` and queues the answer's chunks as they arrive.
 *
 * Failures are thrown as `APIStatusError`, `APIConnectionError` or `APITimeoutError` so that the
 * base class retries what can be retried. Nothing is retryable once a text delta or tool call went
 * out: the retry would say it twice. `connOptions.timeoutMs` bounds the wait for the response and
 * every silence inside it, so a stalled connection fails instead of keeping a caller waiting.
 * Closing the stream (barge-in) aborts the HTTP request and ends quietly.
 */
export class AnthropicLLMStream extends llm.LLMStream {
  readonly #opts: AnthropicRequestOptions;
  #body: Promise<MessagesRequest> | undefined;

  constructor(
    owner: llm.LLM,
    options: {
      chatCtx: llm.ChatContext;
      toolCtx?: llm.ToolContextLike;
      connOptions: APIConnectOptions;
      request: AnthropicRequestOptions;
    },
  ) {
    super(owner, options);
    this.#opts = options.request;
  }

  /** The request body, built once from the chat context: retries send the same. */
  request(): Promise<MessagesRequest> {
    this.#body ??= this.#build();
    return this.#body;
  }

  async #build(): Promise<MessagesRequest> {
    const o = this.#opts;
    const tools = toAnthropicTools(this.toolCtx);
    const { system, messages } = await toAnthropicMessages(this.chatCtx, { tools: tools !== undefined });
    const body: MessagesRequest = {
      ...o.extra,
      model: o.model,
      max_tokens: o.maxTokens,
      messages,
      stream: true,
    };
    if (system) body.system = system;
    if (o.temperature !== undefined) body.temperature = o.temperature;
    if (tools) {
      body.tools = tools;
      const choice = toAnthropicToolChoice(o.toolChoice, o.parallelToolCalls);
      if (choice) body.tool_choice = choice;
    }
    return body;
  }

  protected async run(): Promise<void> {
    // A context that cannot be converted (an unreadable image) fails the same way every time:
    // thrown as is, it is not retried.
    const body = await this.request();
    const closed = this.abortController.signal;
    if (closed.aborted) return;
    const { timeoutMs } = this.connOptions;
    const http = new AbortController();
    const abortHttp = () => http.abort();
    closed.addEventListener('abort', abortHttp, { once: true });
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const armTimeout = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        http.abort();
      }, timeoutMs);
    };
    // Whether the caller has seen output (text or a tool call) that a retry would repeat.
    let output = false;
    let complete = false;
    const parser = new MessageStreamParser();
    try {
      armTimeout();
      const res = await fetch(this.#opts.url, {
        method: 'POST',
        headers: { ...this.#opts.headers, 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify(body),
        signal: http.signal,
      });
      if (!res.ok) throw await responseError(res, true);
      if (!res.body) throw new APIConnectionError({ message: 'Anthropic answered without a body' });
      const requestId = res.headers.get('request-id');
      for await (const sse of readServerSentEvents(res.body)) {
        armTimeout();
        if (complete || !sse.data) continue;
        const event = parseEvent(sse.data);
        if (event.type === 'error') throw streamEventError(event as ErrorBody, !output, requestId);
        for (const chunk of parser.handle(event)) {
          if (closed.aborted) return;
          if (llm.hasResponse(chunk)) output = true;
          this.queue.put(chunk);
        }
        // Read on to the end of the body after `message_stop`, so the connection can be reused.
        complete = parser.stopped;
      }
      if (!complete) {
        throw new APIConnectionError({
          message: 'Anthropic stream ended before message_stop',
          options: { retryable: !output },
        });
      }
    } catch (err) {
      // Barge-in: the caller closed the stream and wants nothing more from this answer.
      if (closed.aborted) return;
      if (timedOut) {
        throw new APITimeoutError({
          message: `Anthropic sent nothing for ${timeoutMs} ms`,
          options: { retryable: !output },
        });
      }
      if (err instanceof APIError) throw err;
      throw new APIConnectionError({
        message: `Anthropic request failed: ${describe(err)}`,
        options: { retryable: !output },
      });
    } finally {
      clearTimeout(timer);
      closed.removeEventListener('abort', abortHttp);
      if (!complete) http.abort();
    }
  }
}

function parseEvent(data: string): StreamEvent {
  try {
    return JSON.parse(data) as StreamEvent;
  } catch {
    throw new APIConnectionError({
      message: `Anthropic sent an event that is not JSON: ${data.slice(0, 200)}`,
      options: { retryable: false },
    });
  }
}

/** Node's fetch hides the socket error in `cause` ("fetch failed" ← "ECONNREFUSED …"). */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
