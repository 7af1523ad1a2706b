/**
 * What the fake Messages API answers: the bakery agent's rules reply to the last user text, the
 * tool result's text right after a tool result, a configured tool call, or a test's own function.
 */
import { blocksOf, type MessageIn, type MessagesBodyIn, type ToolIn } from './anthropic-validate.ts';
import { bakeryReply } from './openai-rest.ts';

/** What a reply function sees of the request. */
export interface AnthropicReplyInput {
  /** The text of the last user turn ('' when it holds only tool results). */
  lastUser: string;
  /** The tool results of the last user turn, in order. */
  toolResults: { toolUseId: string; content: string; isError: boolean }[];
  messages: MessageIn[];
  /** `system` as one string ('' when absent). */
  system: string;
  tools: ToolIn[];
  model: string;
  /** 1-based index of the message request across the server's lifetime. */
  n: number;
}

/** A tool call the fake's model makes. */
export interface FakeToolUse {
  name: string;
  input: Record<string, unknown>;
  /** Default `toolu_<random>`. */
  id?: string;
}

/** One assistant turn: text, a tool call, or text followed by a tool call (as Claude often does). */
export interface AnthropicTurn {
  text?: string;
  toolUse?: FakeToolUse;
}

/** How the fake chooses its turn. */
export interface ReplyOptions {
  /** The assistant's turn; replaces the defaults below. */
  reply?: (input: AnthropicReplyInput) => string | AnthropicTurn;
  /**
   * Call this tool (with text before the call when `text` is set) whenever the request offers a
   * tool of that name and its last user turn carries no tool result yet.
   */
  toolUse?: FakeToolUse & { text?: string };
}

/** The turn for an accepted request; `n` is the request's index (see {@link AnthropicReplyInput}). */
export function replyTurn(
  body: MessagesBodyIn,
  system: string,
  n: number,
  options: ReplyOptions,
): AnthropicTurn {
  const last = body.messages.at(-1);
  const lastBlocks = last?.role === 'user' ? blocksOf(last) : [];
  const toolResults = lastBlocks
    .filter((b) => b.type === 'tool_result')
    .map((b) => ({
      toolUseId: String(b.tool_use_id),
      content: resultText(b.content),
      isError: b.is_error === true,
    }));
  const tools = body.tools ?? [];
  const lastUser = lastBlocks
    .filter((b) => b.type === 'text')
    .map((b) => String(b.text))
    .join(' ');
  if (options.reply) {
    const r = options.reply({
      lastUser,
      toolResults,
      messages: body.messages,
      system,
      tools,
      model: body.model,
      n,
    });
    return typeof r === 'string' ? { text: r } : r;
  }
  if (toolResults.length > 0) return { text: toolResults.map((r) => r.content).join(' ') };
  const call = options.toolUse;
  if (call && tools.some((t) => t.name === call.name)) {
    return { text: call.text, toolUse: { name: call.name, input: call.input, id: call.id } };
  }
  return { text: bakeryReply({ lastUser }) };
}

/** A tool result's content as text: a string, or the text of its content blocks. */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((c: { text?: unknown }) => (typeof c.text === 'string' ? c.text : '')).join(' ');
}
