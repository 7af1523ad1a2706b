/**
 * A `@livekit/agents` chat context as the Messages API wants it: instructions in `system`, and
 * turns that alternate between `user` and `assistant`, start with `user`, end with `user`, and pair
 * every `tool_use` with a `tool_result` in the very next turn.
 */
import { llm } from '@livekit/agents';
import type {
  ContentBlockParam,
  ImageBlockParam,
  MessageParam,
  TextBlockParam,
  ToolResultBlockParam,
  ToolUseBlockParam,
} from './wire.ts';

/** What {@link toAnthropicMessages} produces: the request's `system` and `messages`. */
export interface AnthropicContext {
  /** The system and developer messages joined by blank lines; undefined when there are none. */
  system?: string;
  messages: MessageParam[];
}

/**
 * Stands in for a missing first user turn (the agent speaks first: only instructions so far), as
 * the LiveKit Python Anthropic format does.
 */
export const LEADING_USER_PLACEHOLDER = '(empty)';
/**
 * Closes a conversation that ends with the assistant. Claude 4.6 and later reject a trailing
 * assistant turn (prefill), and for older models it would mean "continue this sentence", which a
 * voice agent never wants.
 */
export const TRAILING_USER_PLACEHOLDER = '.';

/**
 * Converts a chat context. Function calls without an output and outputs without their call are
 * left out (the API rejects both; a call still running has no output yet). An output is moved to
 * right after the run of assistant items that holds its call, so a user speaking while a tool ran
 * cannot separate a `tool_use` from its `tool_result`, and the results open the user turn that
 * follows, before anything the caller said (the API wants them first).
 *
 * With `tools: false` (the request offers no tools, say after a handoff to an agent without any)
 * past calls are not sent as blocks, which the API refuses without tool definitions; each result
 * becomes a line of text in the user turn instead, so the model still knows what it learned.
 */
export async function toAnthropicMessages(
  chatCtx: llm.ChatContext,
  options: { tools: boolean } = { tools: true },
): Promise<AnthropicContext> {
  const items = chatCtx.items;
  const callIds = new Set(items.filter(isCall).map((c) => c.callId));
  const outputs = new Map<string, llm.FunctionCallOutput>();
  for (const item of items) {
    if (item.type === 'function_call_output' && callIds.has(item.callId)) outputs.set(item.callId, item);
  }

  const system: string[] = [];
  const turns: MessageParam[] = [];
  const push = (role: MessageParam['role'], blocks: ContentBlockParam[]) => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  // Results of the calls in the current run of assistant items, sent when the run ends.
  let pending: ToolResultBlockParam[] = [];
  const flush = () => {
    push('user', pending);
    pending = [];
  };

  for (const item of items) {
    if (item.type === 'function_call') {
      const output = outputs.get(item.callId);
      if (!output) continue;
      if (options.tools) {
        push('assistant', [toolUse(item)]);
        pending.push(toolResult(output));
      } else {
        // No block to pair with: the result is told where the call happened.
        push('user', [resultAsText(item, output)]);
      }
    } else if (item.type === 'message') {
      if (item.role === 'system' || item.role === 'developer') {
        const text = item.rawTextContent;
        if (text) system.push(text);
      } else if (item.role === 'assistant') {
        push('assistant', await contentBlocks(item));
      } else {
        flush();
        push('user', await contentBlocks(item));
      }
    }
    // Outputs were placed with their calls; handoffs and config updates are not for the model.
  }
  flush();

  if (turns[0]?.role !== 'user') {
    turns.unshift({ role: 'user', content: [{ type: 'text', text: LEADING_USER_PLACEHOLDER }] });
  }
  if (turns.at(-1)?.role === 'assistant') {
    turns.push({ role: 'user', content: [{ type: 'text', text: TRAILING_USER_PLACEHOLDER }] });
  }
  return { system: system.length > 0 ? system.join('\n\n') : undefined, messages: turns };
}

function isCall(item: llm.ChatItem): item is llm.FunctionCall {
  return item.type === 'function_call';
}

/** The API wants a tool's input as an object; arguments that are not one become `{}`. */
function toolUse(call: llm.FunctionCall): ToolUseBlockParam {
  let input: unknown;
  try {
    input = JSON.parse(call.args || '{}');
  } catch {
    input = {};
  }
  const isObject = typeof input === 'object' && input !== null && !Array.isArray(input);
  return {
    type: 'tool_use',
    id: call.callId,
    name: call.name,
    input: isObject ? (input as Record<string, unknown>) : {},
  };
}

function toolResult(output: llm.FunctionCallOutput): ToolResultBlockParam {
  const block: ToolResultBlockParam = { type: 'tool_result', tool_use_id: output.callId };
  // Empty text blocks are rejected, so an empty output is sent as no content at all.
  if (output.output) block.content = output.output;
  if (output.isError) block.is_error = true;
  return block;
}

function resultAsText(call: llm.FunctionCall, output: llm.FunctionCallOutput): TextBlockParam {
  const outcome = output.isError ? 'failed' : 'returned';
  return { type: 'text', text: `(The ${call.name} tool ${outcome}: ${output.output || 'nothing'})` };
}

/** Text (strings, instructions, audio transcripts) and images; empty text is left out. */
async function contentBlocks(message: llm.ChatMessage): Promise<ContentBlockParam[]> {
  const blocks: ContentBlockParam[] = [];
  for (const c of message.content) {
    let text: string | undefined;
    if (typeof c === 'string') text = c;
    else if (c.type === 'instructions') text = c.value;
    else if (c.type === 'audio_content') text = c.transcript;
    else if (c.type === 'image_content') blocks.push(await imageBlock(c));
    if (text && text.trim()) blocks.push({ type: 'text', text });
  }
  return blocks;
}

async function imageBlock(image: llm.ImageContent): Promise<ImageBlockParam> {
  const serialized = await llm.serializeImage(image);
  if (serialized.externalUrl) return { type: 'image', source: { type: 'url', url: serialized.externalUrl } };
  return {
    type: 'image',
    source: {
      type: 'base64',
      media_type: serialized.mimeType ?? 'image/jpeg',
      data: serialized.base64Data ?? '',
    },
  };
}
