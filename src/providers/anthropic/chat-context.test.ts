/**
 * The chat context → Messages API conversion. Every converted context is also run through the
 * fake's copy of the API's request checks, so "accepted" here means what the API would accept.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { initializeLogger, llm } from '@livekit/agents';
import fc from 'fast-check';
import { validateMessagesRequest } from '../../../test/fakes/anthropic-validate.ts';
import {
  LEADING_USER_PLACEHOLDER,
  TRAILING_USER_PLACEHOLDER,
  toAnthropicMessages,
  type AnthropicContext,
} from './chat-context.ts';

const TOOLS = [{ name: 'lookup', input_schema: { type: 'object', properties: {} } }];

/** The API's verdict on a converted context (undefined: accepted). */
function verdict(ctx: AnthropicContext, withTools = true): string | undefined {
  return validateMessagesRequest({
    model: 'claude-haiku-4-5',
    max_tokens: 64,
    system: ctx.system,
    messages: ctx.messages,
    ...(withTools ? { tools: TOOLS } : {}),
  });
}

function call(callId: string, args = '{"day":"monday"}') {
  return llm.FunctionCall.create({ callId, name: 'lookup', args });
}

function output(callId: string, text = `result ${callId}`, isError = false) {
  return llm.FunctionCallOutput.create({ callId, name: 'lookup', output: text, isError });
}

describe('toAnthropicMessages', () => {
  before(() => initializeLogger({ pretty: false, level: 'fatal' }));

  test('system and developer messages become `system`; user and assistant text become turns', async () => {
    const ctx = llm.ChatContext.empty();
    ctx.addMessage({ role: 'system', content: 'You answer the bakery phone.' });
    ctx.addMessage({ role: 'user', content: 'hello' });
    ctx.addMessage({ role: 'assistant', content: 'Hi, how can I help?' });
    ctx.addMessage({ role: 'developer', content: 'Be brief.' });
    ctx.addMessage({ role: 'user', content: 'when do you open' });
    const out = await toAnthropicMessages(ctx);
    assert.equal(out.system, 'You answer the bakery phone.\n\nBe brief.');
    assert.deepEqual(out.messages, [
      { role: 'user', content: [{ type: 'text', text: 'hello' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Hi, how can I help?' }] },
      { role: 'user', content: [{ type: 'text', text: 'when do you open' }] },
    ]);
    assert.equal(verdict(out), undefined);
  });

  test('consecutive same-role messages merge into one turn; empty ones disappear', async () => {
    const ctx = llm.ChatContext.empty();
    ctx.addMessage({ role: 'user', content: 'i would like' });
    ctx.addMessage({ role: 'user', content: '   ' });
    ctx.addMessage({ role: 'user', content: 'a cake' });
    ctx.addMessage({ role: 'assistant', content: 'Sure.' });
    ctx.addMessage({ role: 'assistant', content: '' });
    ctx.addMessage({ role: 'assistant', content: 'Which flavour?' });
    ctx.addMessage({ role: 'user', content: 'chocolate' });
    const out = await toAnthropicMessages(ctx);
    assert.deepEqual(
      out.messages.map((m) => [m.role, m.content.map((b) => (b.type === 'text' ? b.text : b.type))]),
      [
        ['user', ['i would like', 'a cake']],
        ['assistant', ['Sure.', 'Which flavour?']],
        ['user', ['chocolate']],
      ],
    );
    assert.equal(out.system, undefined);
    assert.equal(verdict(out), undefined);
  });

  test('a conversation must start and end with the user: placeholders fill in', async () => {
    const greeting = llm.ChatContext.empty();
    greeting.addMessage({ role: 'system', content: 'Greet the caller.' });
    const g = await toAnthropicMessages(greeting);
    assert.deepEqual(g.messages, [
      { role: 'user', content: [{ type: 'text', text: LEADING_USER_PLACEHOLDER }] },
    ]);
    assert.equal(verdict(g), undefined);

    const trailing = llm.ChatContext.empty();
    trailing.addMessage({ role: 'assistant', content: 'Hello, thank you for calling the bakery.' });
    const t = await toAnthropicMessages(trailing);
    assert.deepEqual(
      t.messages.map((m) => m.role),
      ['user', 'assistant', 'user'],
    );
    assert.deepEqual(t.messages.at(-1)!.content, [{ type: 'text', text: TRAILING_USER_PLACEHOLDER }]);
    assert.equal(verdict(t), undefined);
  });

  test('parallel calls become tool_use blocks with the text; their outputs tool_result blocks next', async () => {
    const ctx = llm.ChatContext.empty();
    ctx.addMessage({ role: 'user', content: 'hours for monday and tuesday?' });
    ctx.addMessage({ role: 'assistant', content: 'Let me check.' });
    ctx.insert([call('toolu_a'), call('toolu_b', '{"day":"tuesday"}'), output('toolu_a'), output('toolu_b')]);
    const out = await toAnthropicMessages(ctx);
    assert.deepEqual(out.messages.slice(1), [
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'toolu_a', name: 'lookup', input: { day: 'monday' } },
          { type: 'tool_use', id: 'toolu_b', name: 'lookup', input: { day: 'tuesday' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_a', content: 'result toolu_a' },
          { type: 'tool_result', tool_use_id: 'toolu_b', content: 'result toolu_b' },
        ],
      },
    ]);
    assert.equal(verdict(out), undefined);
    assert.match(verdict(out, false) ?? '', /must define tools/, 'the fake checks tool definitions');
  });

  test('a caller speaking while a tool runs does not split tool_use from tool_result', async () => {
    const ctx = llm.ChatContext.empty();
    ctx.addMessage({ role: 'user', content: 'book a table' });
    ctx.insert(call('toolu_1'));
    ctx.addMessage({ role: 'user', content: 'for four people' });
    ctx.insert(output('toolu_1', 'booked'));
    const out = await toAnthropicMessages(ctx);
    assert.deepEqual(out.messages, [
      { role: 'user', content: [{ type: 'text', text: 'book a table' }] },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { day: 'monday' } }],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'booked' },
          { type: 'text', text: 'for four people' },
        ],
      },
    ]);
    assert.equal(verdict(out), undefined);
  });

  test('calls without output and outputs without call are left out; errors and empty outputs keep their shape', async () => {
    const ctx = llm.ChatContext.empty();
    ctx.addMessage({ role: 'user', content: 'hi' });
    ctx.insert([
      output('toolu_orphan'),
      call('toolu_running'),
      call('toolu_err', 'not json'),
      output('toolu_err', 'the kitchen is closed', true),
      call('toolu_empty', '[1,2]'),
      output('toolu_empty', ''),
    ]);
    const out = await toAnthropicMessages(ctx);
    assert.deepEqual(out.messages.slice(1), [
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_err', name: 'lookup', input: {} },
          { type: 'tool_use', id: 'toolu_empty', name: 'lookup', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_err', content: 'the kitchen is closed', is_error: true },
          { type: 'tool_result', tool_use_id: 'toolu_empty' },
        ],
      },
    ]);
    assert.equal(verdict(out), undefined);
  });

  test('without tools in the request, results are told as text and no tool blocks are sent', async () => {
    const ctx = llm.ChatContext.empty();
    ctx.addMessage({ role: 'user', content: 'when do you open' });
    ctx.insert([call('toolu_1'), output('toolu_1', 'nine'), call('toolu_2'), output('toolu_2', 'no', true)]);
    ctx.addMessage({ role: 'assistant', content: 'We open at nine.' });
    ctx.addMessage({ role: 'user', content: 'thanks' });
    const out = await toAnthropicMessages(ctx, { tools: false });
    assert.deepEqual(out.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'when do you open' },
          { type: 'text', text: '(The lookup tool returned: nine)' },
          { type: 'text', text: '(The lookup tool failed: no)' },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'We open at nine.' }] },
      { role: 'user', content: [{ type: 'text', text: 'thanks' }] },
    ]);
    assert.equal(verdict(out, false), undefined);
  });

  test('instructions and audio transcripts are text; handoffs and config updates are skipped', async () => {
    const ctx = llm.ChatContext.empty();
    ctx.addMessage({ role: 'user', content: [new llm.Instructions({ audio: 'spoken rules' })] });
    ctx.insert(llm.AgentHandoffItem.create({ newAgentId: 'billing' }));
    ctx.insert(llm.AgentConfigUpdate.create({ instructions: 'new rules' }));
    ctx.addMessage({
      role: 'user',
      content: [llm.createAudioContent({ frame: [], transcript: 'i said this' })],
    });
    const out = await toAnthropicMessages(ctx);
    assert.deepEqual(out.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'spoken rules' },
          { type: 'text', text: 'i said this' },
        ],
      },
    ]);
  });

  test('images become base64 image blocks', async () => {
    const ctx = llm.ChatContext.empty();
    const image = llm.createImageContent({ image: 'data:image/png;base64,iVBORw0KGgo=' });
    ctx.addMessage({ role: 'user', content: ['what is this', image] });
    const out = await toAnthropicMessages(ctx);
    assert.deepEqual(out.messages[0]!.content[1], {
      type: 'image',
      source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' },
    });
  });

  test('any order of messages, calls and outputs converts to a request the API accepts', async () => {
    type Step =
      | { kind: 'user' | 'assistant' | 'system'; text: string }
      | { kind: 'call'; withOutput: boolean; outputLater: boolean }
      | { kind: 'orphanOutput' };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({
        kind: fc.constantFrom('user' as const, 'assistant' as const, 'system' as const),
        text: fc.constantFrom('', ' ', 'hello', 'when do you open'),
      }),
      fc.record({ kind: fc.constant('call' as const), withOutput: fc.boolean(), outputLater: fc.boolean() }),
      fc.record({ kind: fc.constant('orphanOutput' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 14 }), fc.boolean(), async (steps, tools) => {
        const ctx = llm.ChatContext.empty();
        const later: llm.FunctionCallOutput[] = [];
        steps.forEach((s, i) => {
          if (s.kind === 'call') {
            ctx.insert(call(`toolu_${i}`));
            if (s.withOutput) (s.outputLater ? later : ctx.items).push(output(`toolu_${i}`));
          } else if (s.kind === 'orphanOutput') {
            ctx.insert(output(`toolu_missing_${i}`));
          } else {
            ctx.addMessage({ role: s.kind, content: s.text });
            // Outputs held back arrive after whatever the caller said meanwhile.
            ctx.items.push(...later.splice(0));
          }
        });
        ctx.items.push(...later);
        const out = await toAnthropicMessages(ctx, { tools });
        assert.equal(verdict(out, tools), undefined, JSON.stringify(out.messages));
      }),
      { numRuns: 300, seed: 20260401 },
    );
  });
});
