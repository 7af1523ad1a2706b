/**
 * The events of one streamed message turned into `ChatChunk`s: text deltas as they come, a
 * `FunctionCall` when a `tool_use` block is complete (its JSON input arrives in pieces), and the
 * token usage when the message stops.
 */
import { llm } from '@livekit/agents';
import type { StreamEvent, Usage } from './wire.ts';

interface ToolBlock {
  id: string;
  name: string;
  /** The `input_json_delta` pieces so far; empty when the input came whole in the start event. */
  json: string;
  input?: Record<string, unknown>;
}

/** Accumulates one message's events; feed them in order to {@link MessageStreamParser.handle}. */
export class MessageStreamParser {
  /** The message id (`msg_…`), once `message_start` arrived; the chunks' `id`. */
  id = '';
  /** Why the model stopped (`end_turn`, `tool_use`, `max_tokens`…), once `message_delta` said so. */
  stopReason: string | undefined;
  /** `message_stop` arrived: the message is complete. */
  stopped = false;
  #tools = new Map<number, ToolBlock>();
  #usage: Usage = {};

  /** The chunks one event produces (none for most). `error` events are the caller's to handle. */
  handle(event: StreamEvent): llm.ChatChunk[] {
    switch (event.type) {
      case 'message_start':
        this.id = event.message.id;
        this.#usage = { ...event.message.usage };
        return [];
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'tool_use') {
          const { id, name, input } = block as { id: string; name: string; input?: Record<string, unknown> };
          this.#tools.set(event.index, { id, name, json: '', input });
        } else if (block.type === 'text' && typeof block.text === 'string' && block.text) {
          return [this.#text(block.text)];
        }
        return [];
      }
      case 'content_block_delta': {
        const delta = event.delta;
        if (delta.type === 'text_delta' && typeof delta.text === 'string' && delta.text) {
          return [this.#text(delta.text)];
        }
        const tool = this.#tools.get(event.index);
        if (delta.type === 'input_json_delta' && tool && typeof delta.partial_json === 'string') {
          tool.json += delta.partial_json;
        }
        // Thinking, signature and citation deltas are not for the caller's ears.
        return [];
      }
      case 'content_block_stop': {
        const tool = this.#tools.get(event.index);
        if (!tool) return [];
        this.#tools.delete(event.index);
        const args = tool.json || JSON.stringify(tool.input ?? {});
        const call = llm.FunctionCall.create({ callId: tool.id, name: tool.name, args });
        return [{ id: this.id, delta: { role: 'assistant', toolCalls: [call] } }];
      }
      case 'message_delta':
        if (event.delta.stop_reason) this.stopReason = event.delta.stop_reason;
        // The counts here are running totals for the message, not increments.
        this.#usage = { ...this.#usage, ...definedOnly(event.usage) };
        return [];
      case 'message_stop':
        this.stopped = true;
        return [{ id: this.id, usage: this.usage() }];
      default:
        return [];
    }
  }

  /**
   * The usage so far. `promptTokens` counts the whole prompt: Anthropic's `input_tokens` leaves out
   * the parts read from or written to the prompt cache, which it counts separately.
   */
  usage(): llm.CompletionUsage {
    const cached = this.#usage.cache_read_input_tokens ?? 0;
    const created = this.#usage.cache_creation_input_tokens ?? 0;
    const prompt = (this.#usage.input_tokens ?? 0) + cached + created;
    const completion = this.#usage.output_tokens ?? 0;
    return {
      promptTokens: prompt,
      promptCachedTokens: cached,
      cacheCreationTokens: created,
      completionTokens: completion,
      totalTokens: prompt + completion,
    };
  }

  #text(content: string): llm.ChatChunk {
    return { id: this.id, delta: { role: 'assistant', content } };
  }
}

function definedOnly(usage: Usage | undefined): Usage {
  return Object.fromEntries(Object.entries(usage ?? {}).filter(([, v]) => v !== undefined && v !== null));
}
