/** Anthropic (Claude) through the Messages API: Parley's own `llm.LLM`, no SDK. */
export { AnthropicLLM, DEFAULT_MAX_TOKENS, type AnthropicLLMOptions } from './llm.ts';
export { AnthropicLLMStream, type AnthropicRequestOptions } from './llm-stream.ts';
export { anthropicFactories } from './factories.ts';
export { anthropicAccount } from './account.ts';
export { ANTHROPIC_BASE_URL, ANTHROPIC_VERSION, anthropicUrl } from './endpoint.ts';
export { toAnthropicMessages, type AnthropicContext } from './chat-context.ts';
export { toAnthropicTools, toAnthropicToolChoice } from './tools.ts';
