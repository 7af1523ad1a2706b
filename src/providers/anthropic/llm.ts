/** Claude through Anthropic's Messages API, as an `llm.LLM` (there is no agents plugin for it). */
import { type APIConnectOptions, DEFAULT_API_CONNECT_OPTIONS, llm } from '@livekit/agents';
import { anthropicHeaders, anthropicUrl } from './endpoint.ts';
import { AnthropicLLMStream } from './llm-stream.ts';

/** `max_tokens` when the agent sets none: the API requires one, and spoken answers are short. */
export const DEFAULT_MAX_TOKENS = 1024;

/** How an {@link AnthropicLLM} talks to the API; the factory fills it from the agent and the org. */
export interface AnthropicLLMOptions {
  /** The API's model name, e.g. `claude-sonnet-4-6`. */
  model: string;
  apiKey: string;
  /** The API origin (default `https://api.anthropic.com`); `/v1/messages` is appended. */
  baseUrl?: string;
  /** Upper bound of one answer, in tokens. Default {@link DEFAULT_MAX_TOKENS}. */
  maxTokens?: number;
  /** 0–1; the API's default (1) when unset. */
  temperature?: number;
  /** Default tool choice for every request; a `chat()` argument overrides it. */
  toolChoice?: llm.ToolChoice;
  /** `false` asks for at most one tool call per answer. */
  parallelToolCalls?: boolean;
}

/**
 * An `llm.LLM` that streams Claude's answers (label `anthropic/<model>`). Each {@link chat} is one
 * `POST /v1/messages` with `stream: true`; see {@link AnthropicLLMStream} for errors, retries,
 * timeouts and cancellation.
 */
export class AnthropicLLM extends llm.LLM {
  readonly #opts: Required<Pick<AnthropicLLMOptions, 'model' | 'apiKey' | 'maxTokens'>> & AnthropicLLMOptions;

  /** @throws {Error} without an API key, or with a `maxTokens` that is not a positive integer */
  constructor(options: AnthropicLLMOptions) {
    super();
    if (!options.apiKey) throw new Error('AnthropicLLM needs an API key.');
    const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
    if (!Number.isInteger(maxTokens) || maxTokens < 1) {
      throw new Error(`AnthropicLLM maxTokens must be a positive integer, not ${maxTokens}.`);
    }
    this.#opts = { ...options, maxTokens };
  }

  label(): string {
    return `anthropic/${this.#opts.model}`;
  }

  override get model(): string {
    return this.#opts.model;
  }

  override get provider(): string {
    return 'anthropic';
  }

  /** Where requests go: `{origin}/v1/messages`. */
  get url(): string {
    return anthropicUrl(this.#opts.baseUrl, '/v1/messages');
  }

  chat({
    chatCtx,
    toolCtx,
    connOptions = DEFAULT_API_CONNECT_OPTIONS,
    parallelToolCalls,
    toolChoice,
    extraKwargs,
  }: {
    chatCtx: llm.ChatContext;
    toolCtx?: llm.ToolContextLike;
    connOptions?: APIConnectOptions;
    parallelToolCalls?: boolean;
    toolChoice?: llm.ToolChoice;
    extraKwargs?: Record<string, unknown>;
  }): AnthropicLLMStream {
    const o = this.#opts;
    return new AnthropicLLMStream(this, {
      chatCtx,
      toolCtx,
      connOptions,
      request: {
        url: this.url,
        headers: anthropicHeaders(o.apiKey),
        model: o.model,
        maxTokens: o.maxTokens,
        temperature: o.temperature,
        toolChoice: toolChoice ?? o.toolChoice,
        parallelToolCalls: parallelToolCalls ?? o.parallelToolCalls,
        extra: extraKwargs,
      },
    });
  }

  /**
   * Opens the connection (DNS, TLS, keep-alive) before the first answer with `GET /v1/models`,
   * which costs no tokens; the first reply of a call then skips the handshake.
   */
  protected override async _prewarmImpl(signal: AbortSignal): Promise<void> {
    const res = await fetch(anthropicUrl(this.#opts.baseUrl, '/v1/models?limit=1'), {
      headers: anthropicHeaders(this.#opts.apiKey),
      signal,
    });
    await res.arrayBuffer();
  }
}
