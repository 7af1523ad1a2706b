/** Function tools and tool choice in the Messages API's terms. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { llm } from '@livekit/agents';
import { z } from 'zod';
import { toAnthropicToolChoice, toAnthropicTools } from './tools.ts';

describe('Anthropic tools', () => {
  test('function tools become name, description and an object input_schema, sorted by name', () => {
    const toolCtx = new llm.ToolContext({
      lookup_hours: llm.tool({
        description: 'Opening hours for a day.',
        parameters: z.object({ day: z.string().describe('weekday or "tomorrow"') }),
        execute: async () => 'nine',
      }),
      hang_up: llm.tool({ description: 'Ends the call.', execute: async () => 'ok' }),
      raw: llm.tool({
        description: 'Raw JSON schema.',
        parameters: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
        execute: async () => 'ok',
      }),
    });
    const tools = toAnthropicTools(toolCtx)!;
    assert.deepEqual(
      tools.map((t) => t.name),
      ['hang_up', 'lookup_hours', 'raw'],
    );
    const hours = tools[1]!;
    assert.equal(hours.description, 'Opening hours for a day.');
    assert.equal(hours.input_schema.type, 'object');
    assert.equal('$schema' in hours.input_schema, false);
    assert.deepEqual(hours.input_schema.required, ['day']);
    assert.deepEqual((hours.input_schema.properties as Record<string, unknown>).day, {
      type: 'string',
      description: 'weekday or "tomorrow"',
    });
    assert.equal(tools[0]!.input_schema.type, 'object');
    assert.deepEqual(tools[2]!.input_schema.required, ['n']);
    assert.equal(toAnthropicTools(new llm.ToolContext({})), undefined);
    assert.equal(toAnthropicTools(undefined), undefined);
  });

  test('tool choice: required is any, a function is tool, parallel off disables parallel use', () => {
    assert.equal(toAnthropicToolChoice(undefined, undefined), undefined);
    assert.deepEqual(toAnthropicToolChoice('auto', undefined), { type: 'auto' });
    assert.deepEqual(toAnthropicToolChoice('none', false), { type: 'none' });
    assert.deepEqual(toAnthropicToolChoice('required', undefined), { type: 'any' });
    assert.deepEqual(toAnthropicToolChoice({ type: 'function', function: { name: 'hang_up' } }, false), {
      type: 'tool',
      name: 'hang_up',
      disable_parallel_tool_use: true,
    });
    assert.deepEqual(toAnthropicToolChoice(undefined, false), {
      type: 'auto',
      disable_parallel_tool_use: true,
    });
  });
});
