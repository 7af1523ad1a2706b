/** The agent's function tools and tool choice, as the Messages API's `tools` and `tool_choice`. */
import { llm } from '@livekit/agents';
import type { ToolChoiceParam, ToolParam } from './wire.ts';

/**
 * One tool per function tool of the context, sorted by name so that identical tool sets give
 * identical requests (the API's prompt cache keys on the exact prefix). Provider-specific tools of
 * other vendors are left out. `undefined` when there is nothing to offer.
 */
export function toAnthropicTools(toolCtx: llm.ToolContext | undefined): ToolParam[] | undefined {
  if (!toolCtx) return undefined;
  const tools = llm.sortedToolEntries(toolCtx).map(([name, tool]): ToolParam => {
    // The same JSON Schema conversion the OpenAI plugin uses; `$schema` is noise to the API.
    const { $schema: _dropped, ...schema } = llm.toJsonSchema(tool.parameters, true, false) as Record<
      string,
      unknown
    >;
    return {
      name,
      description: tool.description || undefined,
      input_schema: { ...schema, type: 'object' },
    };
  });
  return tools.length > 0 ? tools : undefined;
}

/**
 * The agents' tool choice in Anthropic's terms: `required` is `any`, a named function is `tool`.
 * `parallelToolCalls: false` becomes `disable_parallel_tool_use`, which `none` does not take.
 */
export function toAnthropicToolChoice(
  toolChoice: llm.ToolChoice | undefined,
  parallelToolCalls: boolean | undefined,
): ToolChoiceParam | undefined {
  if (toolChoice === 'none') return { type: 'none' };
  const disable = parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  if (toolChoice === 'required') return { type: 'any', ...disable };
  if (typeof toolChoice === 'object') return { type: 'tool', name: toolChoice.function.name, ...disable };
  if (toolChoice === 'auto' || parallelToolCalls === false) return { type: 'auto', ...disable };
  return undefined;
}
