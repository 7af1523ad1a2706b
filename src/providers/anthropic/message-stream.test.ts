/** Messages API stream events → chat chunks, from event sequences shaped like the API's. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { llm } from '@livekit/agents';
import { MessageStreamParser } from './message-stream.ts';
import type { StreamEvent } from './wire.ts';

function run(events: StreamEvent[]) {
  const parser = new MessageStreamParser();
  const chunks = events.flatMap((e) => parser.handle(e));
  return { parser, chunks };
}

describe('MessageStreamParser', () => {
  test('text deltas, then a tool call assembled from input_json_delta pieces, then usage', () => {
    const { parser, chunks } = run([
      {
        type: 'message_start',
        message: {
          id: 'msg_1',
          usage: {
            input_tokens: 20,
            cache_read_input_tokens: 100,
            cache_creation_input_tokens: 5,
            output_tokens: 1,
          },
        },
      },
      { type: 'ping' },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Let me ' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'check.' } },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 'toolu_9', name: 'lookup_hours', input: {} },
      },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
      {
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: '{"day": "to' },
      },
      {
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: 'morrow"}' },
      },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 30 } },
      { type: 'message_delta', delta: {}, usage: { output_tokens: 42 } },
      { type: 'message_stop' },
    ]);
    assert.deepEqual(
      chunks.filter((c) => c.delta?.content).map((c) => [c.id, c.delta!.content]),
      [
        ['msg_1', 'Let me '],
        ['msg_1', 'check.'],
      ],
    );
    const calls = chunks.flatMap((c) => c.delta?.toolCalls ?? []);
    assert.equal(calls.length, 1);
    assert.ok(calls[0] instanceof llm.FunctionCall);
    assert.deepEqual(
      [calls[0]!.callId, calls[0]!.name, JSON.parse(calls[0]!.args)],
      ['toolu_9', 'lookup_hours', { day: 'tomorrow' }],
    );
    // The tool call goes out when its block stops, not before its input is complete.
    const callIndex = chunks.findIndex((c) => c.delta?.toolCalls);
    assert.equal(callIndex, 2);
    assert.deepEqual(chunks.at(-1), {
      id: 'msg_1',
      usage: {
        promptTokens: 125,
        promptCachedTokens: 100,
        cacheCreationTokens: 5,
        completionTokens: 42,
        totalTokens: 167,
      },
    });
    assert.equal(parser.stopReason, 'tool_use');
    assert.equal(parser.stopped, true);
  });

  test('a tool call without input deltas gets its start input; thinking deltas are not spoken', () => {
    const { chunks, parser } = run([
      { type: 'message_start', message: { id: 'msg_2', usage: { input_tokens: 3 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'x' } },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 'toolu_1', name: 'hang_up' },
      },
      { type: 'content_block_stop', index: 1 },
    ]);
    assert.equal(chunks.length, 1);
    assert.equal(chunks[0]!.delta!.toolCalls![0]!.args, '{}');
    assert.equal(parser.stopped, false, 'no message_stop yet');
    assert.deepEqual(parser.usage(), {
      promptTokens: 3,
      promptCachedTokens: 0,
      cacheCreationTokens: 0,
      completionTokens: 0,
      totalTokens: 3,
    });
  });
});
