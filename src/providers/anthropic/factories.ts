/** Claude models from the catalog, built as {@link AnthropicLLM}s with an organization's key. */
import { numParam, requireKey, type Factories } from '../types.ts';
import { AnthropicLLM } from './llm.ts';

/** The registry's entry for the `anthropic` slug: Claude LLMs. */
export const anthropicFactories: Factories = {
  /** `llmModelParams`: `maxTokens` (default 1024) and `temperature` (0–1, clamped). */
  LLM: (i) => {
    const maxTokens = numParam(i.params.maxTokens);
    const temperature = numParam(i.params.temperature);
    return new AnthropicLLM({
      model: i.model.name,
      apiKey: requireKey(i),
      baseUrl: i.credentials?.baseUrl,
      maxTokens: maxTokens === undefined ? undefined : Math.max(1, Math.floor(maxTokens)),
      // Anthropic takes 0–1 (OpenAI 0–2): a value copied from an OpenAI agent would fail every turn.
      temperature: temperature === undefined ? undefined : Math.min(1, Math.max(0, temperature)),
    });
  },
};
