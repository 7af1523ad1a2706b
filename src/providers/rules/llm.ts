/** The deterministic rules responder, exposed as an `llm.LLM`. */
import { type APIConnectOptions, DEFAULT_API_CONNECT_OPTIONS, llm, shortuuid } from '@livekit/agents';
import { type RulesConfig, type RulesConfigInput, rulesConfigSchema } from './config.ts';
import { generateGreeting } from './greeting.ts';
import { type IntentMatch, matchIntent } from './match.ts';

/** Words per streamed delta. */
const WORDS_PER_DELTA = 3;

/**
 * A deterministic intent responder behind the `llm.LLM` interface (label `local/rules`).
 *
 * It is **not** a language model and generates nothing: it matches the last user message against
 * configured intents ({@link matchIntent}) and answers with the intent's fixed reply, or the
 * fallback. With no user message yet (the agent speaks first) it answers with
 * {@link generateGreeting}. It never calls tools. Replies are streamed in a few word-sized
 * deltas so time-to-first-token is measured as with a real LLM.
 */
export class RulesLLM extends llm.LLM {
  readonly config: RulesConfig;
  #lastMatch: IntentMatch | undefined;

  /** @throws {z.ZodError} when the configuration is invalid (for example a bad regex) */
  constructor(config: RulesConfigInput) {
    super();
    this.config = rulesConfigSchema.parse(config);
  }

  label(): string {
    return 'local/rules';
  }

  override get model(): string {
    return 'rules';
  }

  override get provider(): string {
    return 'local';
  }

  /** The match behind the most recent reply (for logs and tests); `undefined` after a greeting. */
  get lastMatch(): IntentMatch | undefined {
    return this.#lastMatch;
  }

  chat({
    chatCtx,
    toolCtx,
    connOptions = DEFAULT_API_CONNECT_OPTIONS,
  }: {
    chatCtx: llm.ChatContext;
    toolCtx?: llm.ToolContextLike;
    connOptions?: APIConnectOptions;
  }): RulesLLMStream {
    return new RulesLLMStream(this, { chatCtx, toolCtx, connOptions });
  }

  /** Computes the reply for a chat context. */
  replyFor(chatCtx: llm.ChatContext): string {
    const messages = chatCtx.items.filter((item): item is llm.ChatMessage => item.type === 'message');
    const lastUser = messages.filter((m) => m.role === 'user').at(-1);
    if (!lastUser) {
      this.#lastMatch = undefined;
      const prompt = messages
        .filter((m) => m.role === 'system' || m.role === 'developer')
        .map((m) => m.textContent ?? '')
        .join('\n');
      return generateGreeting(this.config, prompt);
    }
    this.#lastMatch = matchIntent(this.config, lastUser.textContent ?? '');
    return this.#lastMatch.reply;
  }
}

/** Streams a {@link RulesLLM} reply as a few deltas. */
export class RulesLLMStream extends llm.LLMStream {
  readonly #owner: RulesLLM;

  constructor(
    owner: RulesLLM,
    options: { chatCtx: llm.ChatContext; toolCtx?: llm.ToolContextLike; connOptions: APIConnectOptions },
  ) {
    super(owner, options);
    this.#owner = owner;
  }

  protected async run(): Promise<void> {
    const reply = this.#owner.replyFor(this.chatCtx);
    const id = shortuuid('rules_');
    const words = reply.split(/(?<=\s)/); // keeps the spaces with the words
    for (let i = 0; i < words.length; i += WORDS_PER_DELTA) {
      if (this.abortController.signal.aborted) return;
      const content = words.slice(i, i + WORDS_PER_DELTA).join('');
      this.queue.put({ id, delta: { role: 'assistant', content } });
      // Yield between deltas, as a network stream would.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const tokens = words.length;
    this.queue.put({
      id,
      usage: { completionTokens: tokens, promptTokens: 0, promptCachedTokens: 0, totalTokens: tokens },
    });
  }
}
