/**
 * The request checks of Anthropic's `POST /v1/messages` that a client can get wrong, so the fake
 * refuses what the real API refuses. The tool pairing, alternation and "must define tools"
 * messages are worded as the API answers them; the field checks are close paraphrases. Returns the
 * `invalid_request_error` message, or undefined when the body is fine.
 *
 * Stricter than today's API in one respect: the API now merges consecutive same-role turns, but
 * it did refuse them, and a client that relies on the merge sends tool blocks it cannot place.
 */

/** A content block as a client sent it. */
export interface BlockIn {
  type: string;
  text?: unknown;
  id?: unknown;
  name?: unknown;
  input?: unknown;
  tool_use_id?: unknown;
  content?: unknown;
  is_error?: unknown;
  source?: unknown;
}

/** A message as a client sent it (string content is shorthand for one text block). */
export interface MessageIn {
  role: string;
  content: string | BlockIn[];
}

/** A tool definition as a client sent it. */
export interface ToolIn {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

/** The body fields the fake reads, once {@link validateMessagesRequest} accepted them. */
export interface MessagesBodyIn {
  model: string;
  max_tokens: number;
  messages: MessageIn[];
  system?: string | { type: string; text: string }[];
  tools?: ToolIn[];
  tool_choice?: { type: string; name?: string };
  temperature?: number;
  stream?: boolean;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The blocks of a message, string content included. */
export function blocksOf(message: MessageIn): BlockIn[] {
  return typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
}

/** Where the fake is more lenient than the strictest models. */
export interface ValidateOptions {
  /** Accept a conversation that ends with an assistant turn (prefill); Claude 4.6+ refuse it. */
  allowPrefill?: boolean;
}

/** The first problem the API would report for this body, or undefined when it would accept it. */
export function validateMessagesRequest(body: unknown, options: ValidateOptions = {}): string | undefined {
  if (!isObject(body)) return 'Input should be a valid dictionary or object to extract fields from';
  if (typeof body.model !== 'string' || !body.model) return 'model: Field required';
  if (body.max_tokens === undefined) return 'max_tokens: Field required';
  if (!Number.isInteger(body.max_tokens)) return 'max_tokens: Input should be a valid integer';
  if ((body.max_tokens as number) < 1) return 'max_tokens: Input should be greater than or equal to 1';
  if (body.stream !== undefined && typeof body.stream !== 'boolean') {
    return 'stream: Input should be a valid boolean';
  }
  if (body.temperature !== undefined) {
    if (typeof body.temperature !== 'number') return 'temperature: Input should be a valid number';
    if (body.temperature < 0 || body.temperature > 1) return 'temperature: range: 0 <= temperature <= 1';
  }
  const system = validateSystem(body.system);
  if (system) return system;
  const tools = validateTools(body.tools, body.tool_choice);
  if (tools) return tools;
  if (!Array.isArray(body.messages)) return 'messages: Field required';
  return validateMessages(body.messages, Array.isArray(body.tools) && body.tools.length > 0, options);
}

function validateSystem(system: unknown): string | undefined {
  if (system === undefined || typeof system === 'string') return undefined;
  if (!Array.isArray(system)) return 'system: Input should be a valid string or a list of text blocks';
  for (const [i, b] of system.entries()) {
    if (!isObject(b) || b.type !== 'text' || typeof b.text !== 'string') {
      return `system.${i}: Input should be a text block`;
    }
  }
  return undefined;
}

function validateTools(tools: unknown, choice: unknown): string | undefined {
  const names = new Set<string>();
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return 'tools: Input should be a valid list';
    for (const [i, t] of tools.entries()) {
      if (!isObject(t)) return `tools.${i}: Input should be a valid dictionary`;
      if (typeof t.name !== 'string' || !TOOL_NAME.test(t.name)) {
        return `tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
      }
      if (names.has(t.name)) return 'tools: Tool names must be unique.';
      names.add(t.name);
      if (!isObject(t.input_schema)) return `tools.${i}.custom.input_schema: Field required`;
      if (t.input_schema.type !== 'object') {
        return `tools.${i}.custom.input_schema.type: Input should be 'object'`;
      }
    }
  }
  if (choice === undefined) return undefined;
  if (!isObject(choice) || !['auto', 'any', 'tool', 'none'].includes(choice.type as string)) {
    return "tool_choice: Input tag found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'";
  }
  if (choice.type !== 'none' && names.size === 0)
    return 'tool_choice may only be specified while providing tools.';
  if (choice.type === 'tool' && !names.has(choice.name as string)) {
    return `tool_choice.tool.name: Tool '${String(choice.name)}' not found in 'tools'`;
  }
  return undefined;
}

function validateMessages(
  messages: unknown[],
  hasTools: boolean,
  options: ValidateOptions,
): string | undefined {
  if (messages.length === 0) return 'messages: at least one message is required';
  let previousToolUses = new Set<string>();
  let usesToolBlocks = false;
  for (const [i, m] of messages.entries()) {
    if (!isObject(m)) return `messages.${i}: Input should be a valid dictionary`;
    if (m.role !== 'user' && m.role !== 'assistant') {
      return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    }
    if (i === 0 && m.role !== 'user') return 'messages: first message must use the "user" role';
    const prev = messages[i - 1] as MessageIn | undefined;
    if (prev && prev.role === m.role) {
      return `messages: roles must alternate between "user" and "assistant", but found multiple "${m.role}" roles in a row`;
    }
    const isLast = i === messages.length - 1;
    if (typeof m.content !== 'string' && !Array.isArray(m.content)) {
      return `messages.${i}.content: Input should be a valid string or a list of content blocks`;
    }
    if (m.content.length === 0 && !(isLast && m.role === 'assistant')) {
      return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    }
    const blocks = blocksOf(m as unknown as MessageIn);
    const toolUses = new Set<string>();
    let leadingResults = 0;
    let seenOther = false;
    for (const [j, b] of blocks.entries()) {
      const at = `messages.${i}.content.${j}`;
      if (!isObject(b)) return `${at}: Input should be a valid dictionary`;
      if (b.type === 'text') {
        if (typeof b.text !== 'string') return `${at}.text.text: Field required`;
        if (!b.text) return 'messages: text content blocks must be non-empty';
        if (!b.text.trim()) return 'messages: text content blocks must contain non-whitespace text';
        seenOther = true;
      } else if (b.type === 'image') {
        if (!isObject(b.source)) return `${at}.image.source: Field required`;
        seenOther = true;
      } else if (b.type === 'tool_use') {
        usesToolBlocks = true;
        if (m.role !== 'assistant') return `${at}: tool_use blocks can only be in assistant messages`;
        if (typeof b.id !== 'string' || typeof b.name !== 'string')
          return `${at}.tool_use.id: Field required`;
        if (!isObject(b.input)) return `${at}.tool_use.input: Input should be a valid dictionary`;
        toolUses.add(b.id);
        seenOther = true;
      } else if (b.type === 'tool_result') {
        usesToolBlocks = true;
        if (m.role !== 'user') return `${at}: tool_result blocks can only be in user messages`;
        if (typeof b.tool_use_id !== 'string') return `${at}.tool_result.tool_use_id: Field required`;
        if (!previousToolUses.has(b.tool_use_id)) {
          return `${at}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${b.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
        }
        if (b.content !== undefined && typeof b.content !== 'string' && !Array.isArray(b.content)) {
          return `${at}.tool_result.content: Input should be a valid string or list`;
        }
        if (!seenOther) leadingResults++;
      } else {
        return `${at}: Input tag '${String(b.type)}' found using 'type' does not match any of the expected tags`;
      }
    }
    if (previousToolUses.size > 0) {
      const answered = new Set(
        blocks.filter((b) => b.type === 'tool_result').map((b) => b.tool_use_id as string),
      );
      const missing = [...previousToolUses].filter((id) => !answered.has(id));
      if (missing.length > 0) {
        return `messages.${i - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
      if (leadingResults < previousToolUses.size) {
        return `messages.${i}: Did not find ${previousToolUses.size} \`tool_result\` block(s) at the beginning of this message. Messages following \`tool_use\` blocks must begin with a matching number of \`tool_result\` blocks.`;
      }
    }
    previousToolUses = toolUses;
    if (isLast && m.role === 'assistant' && !options.allowPrefill) {
      return 'This model does not support assistant message prefill. The conversation must end with a user message.';
    }
  }
  if (usesToolBlocks && !hasTools) {
    return 'Requests which include `tool_use` or `tool_result` blocks must define tools.';
  }
  return undefined;
}
