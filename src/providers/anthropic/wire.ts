/**
 * The parts of Anthropic's Messages API (`POST /v1/messages`, version `2023-06-01`) that Parley
 * sends and reads, as JSON shapes. Only what the adapter uses is typed; the API has more.
 */

/** A text block in a message or in `system`. */
export interface TextBlockParam {
  type: 'text';
  text: string;
}

/** An image the caller shared (base64 data or a URL the API fetches itself). */
export interface ImageBlockParam {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
}

/** The assistant asking for a tool; `input` is always a JSON object. */
export interface ToolUseBlockParam {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/** A tool's answer, in the user turn right after the `tool_use` that asked for it. */
export interface ToolResultBlockParam {
  type: 'tool_result';
  tool_use_id: string;
  content?: string;
  is_error?: boolean;
}

/** Any block a request's message may hold. */
export type ContentBlockParam = TextBlockParam | ImageBlockParam | ToolUseBlockParam | ToolResultBlockParam;

/** One turn. The API wants turns to alternate, starting with `user`. */
export interface MessageParam {
  role: 'user' | 'assistant';
  content: ContentBlockParam[];
}

/** A client tool the model may call. */
export interface ToolParam {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

/** How the model may use the tools: as it likes, some tool, a named tool, or none. */
export type ToolChoiceParam =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

/** The request body of `POST /v1/messages`. */
export interface MessagesRequest {
  model: string;
  max_tokens: number;
  messages: MessageParam[];
  system?: string;
  tools?: ToolParam[];
  tool_choice?: ToolChoiceParam;
  temperature?: number;
  stream: true;
  [extra: string]: unknown;
}

/** Token counts; `input_tokens` excludes the cached prompt parts counted separately. */
export interface Usage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** A content block as `content_block_start` announces it (its content follows in deltas). */
export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input?: Record<string, unknown> }
  | { type: string; [key: string]: unknown };

/** A piece of a block's content in `content_block_delta`; other delta types are ignored. */
export type ContentBlockDelta =
  | { type: 'text_delta'; text: string }
  | { type: 'input_json_delta'; partial_json: string }
  | { type: string; [key: string]: unknown };

/** The body of an error response, and of an `error` event inside a stream. */
export interface ErrorBody {
  type: 'error';
  error: { type: string; message: string };
  request_id?: string;
}

/** The `data` of each server-sent event of a streamed message. */
export type StreamEvent =
  | { type: 'message_start'; message: { id: string; model?: string; usage?: Usage } }
  | { type: 'content_block_start'; index: number; content_block: ContentBlock }
  | { type: 'content_block_delta'; index: number; delta: ContentBlockDelta }
  | { type: 'content_block_stop'; index: number }
  | { type: 'message_delta'; delta: { stop_reason?: string | null }; usage?: Usage }
  | { type: 'message_stop' }
  | { type: 'ping' }
  | ErrorBody;
