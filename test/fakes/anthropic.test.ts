/**
 * Parley's Anthropic adapter against the fake Messages API: streaming, the chat context the API
 * accepts, a tool call round trip, usage, cancellation, key checks and one test per fault knob.
 * The fake's own validation is exercised first, so "accepted" below means something.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  APIConnectionError,
  APIStatusError,
  APITimeoutError,
  initializeLogger,
  llm,
  type APIConnectOptions,
} from '@livekit/agents';
import { z } from 'zod';
import { findModel } from '../../src/catalog/index.ts';
import {
  AnthropicLLM,
  anthropicAccount,
  anthropicFactories,
  toAnthropicMessages,
} from '../../src/providers/anthropic/index.ts';
import { ProviderAccountError } from '../../src/providers/types.ts';
import { bakery } from '../fixtures/bakery-agent.ts';
import { waitUntil } from '../helpers/wait.ts';
import { startAnthropicFake, type FakeAnthropic } from './anthropic.ts';

/** What an LLM's `error` event carries (the type is not exported by name). */
type LLMError = Parameters<llm.LLMCallbacks['error']>[0];

const MODEL = 'claude-haiku-4-5';
/** Fast retries, so the fault tests take milliseconds rather than the default 2 s per retry. */
const FAST: APIConnectOptions = { maxRetry: 3, retryIntervalMs: 20, timeoutMs: 5_000 };

/** Fails with `what` unless `promise` settles within `ms`: a hang is a failure with a message. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function bakeryCtx(text: string): llm.ChatContext {
  const chatCtx = llm.ChatContext.empty();
  chatCtx.addMessage({ role: 'system', content: 'You answer the bakery phone.' });
  chatCtx.addMessage({ role: 'user', content: text });
  return chatCtx;
}

interface ChatResult {
  text: string;
  deltas: { content: string; at: number }[];
  toolCalls: llm.FunctionCall[];
  usage?: llm.CompletionUsage;
  errors: LLMError[];
  startedAt: number;
  endedAt: number;
}

/** Runs one chat to its end (bounded), collecting chunks and the LLM's error events. */
async function chat(
  model: llm.LLM,
  chatCtx: llm.ChatContext,
  options: { toolCtx?: llm.ToolContext; connOptions?: APIConnectOptions; limitMs?: number } = {},
): Promise<ChatResult> {
  const errors: LLMError[] = [];
  const onError = (e: LLMError) => errors.push(e);
  model.on('error', onError);
  const r: ChatResult = { text: '', deltas: [], toolCalls: [], errors, startedAt: Date.now(), endedAt: 0 };
  try {
    const stream = model.chat({
      chatCtx,
      toolCtx: options.toolCtx,
      connOptions: options.connOptions ?? FAST,
    });
    await within(
      options.limitMs ?? 10_000,
      'the chat stream',
      (async () => {
        for await (const chunk of stream) {
          if (chunk.delta?.content) {
            r.text += chunk.delta.content;
            r.deltas.push({ content: chunk.delta.content, at: Date.now() });
          }
          r.toolCalls.push(...(chunk.delta?.toolCalls ?? []));
          if (chunk.usage) r.usage = chunk.usage;
        }
      })(),
    );
  } finally {
    model.off('error', onError);
  }
  r.endedAt = Date.now();
  return r;
}

describe('Anthropic adapter against the fake Messages API', { timeout: 120_000 }, () => {
  let fake: FakeAnthropic;
  let claude: AnthropicLLM;

  before(async () => {
    initializeLogger({ pretty: false, level: 'fatal' });
    fake = await startAnthropicFake();
    claude = new AnthropicLLM({ model: MODEL, apiKey: fake.apiKey, baseUrl: fake.baseUrl });
  });
  after(async () => {
    await fake?.close();
  });
  beforeEach(() => {
    fake.reset();
    fake.configure({ reply: undefined, toolUse: undefined, tokenIntervalMs: 0 });
  });

  describe('the fake refuses what the API refuses', () => {
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${fake.baseUrl}/v1/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-key': fake.apiKey,
          'anthropic-version': '2023-06-01',
          ...headers,
        },
        body: JSON.stringify(body),
      });
    const expect400 = async (body: unknown, pattern: RegExp) => {
      const res = await post(body);
      assert.equal(res.status, 400);
      const json = (await res.json()) as { type: string; error: { type: string; message: string } };
      assert.equal(json.type, 'error');
      assert.equal(json.error.type, 'invalid_request_error');
      assert.match(json.error.message, pattern);
    };
    const user = (text: string) => ({ role: 'user', content: text });
    const base = { model: MODEL, max_tokens: 64 };

    test('missing max_tokens, roles not alternating, an empty conversation', async () => {
      await expect400({ model: MODEL, messages: [user('hi')] }, /^max_tokens: Field required$/);
      await expect400({ ...base, messages: [user('hi'), user('again')] }, /roles must alternate/);
      await expect400(
        { ...base, messages: [{ role: 'assistant', content: 'hi' }, user('x')] },
        /first message/,
      );
      await expect400({ ...base, messages: [] }, /at least one message/);
      await expect400(
        { ...base, messages: [user('hi'), { role: 'assistant', content: 'Sure.' }] },
        /prefill/,
      );
    });

    test('tool_result without its tool_use, tool_use without its result, tool blocks without tools', async () => {
      const tools = [{ name: 'lookup', input_schema: { type: 'object' } }];
      const use = { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: {} };
      const result = { type: 'tool_result', tool_use_id: 'toolu_1', content: 'nine' };
      await expect400(
        { ...base, tools, messages: [{ role: 'user', content: [result] }] },
        /unexpected `tool_use_id` found in `tool_result` blocks: toolu_1/,
      );
      await expect400(
        { ...base, tools, messages: [user('hi'), { role: 'assistant', content: [use] }, user('well?')] },
        /`tool_use` ids were found without `tool_result` blocks immediately after: toolu_1/,
      );
      await expect400(
        {
          ...base,
          tools,
          messages: [
            user('hi'),
            { role: 'assistant', content: [use] },
            { role: 'user', content: [{ type: 'text', text: 'and' }, result] },
          ],
        },
        /must begin with a matching number of `tool_result` blocks/,
      );
      await expect400(
        {
          ...base,
          messages: [user('hi'), { role: 'assistant', content: [use] }, { role: 'user', content: [result] }],
        },
        /must define tools/,
      );
    });

    test('headers: no key or a wrong key is 401, no version is 400; unknown paths 404', async () => {
      const body = { ...base, messages: [user('hi')] };
      for (const [headers, status, type] of [
        [{ 'x-api-key': '' }, 401, 'authentication_error'],
        [{ 'x-api-key': 'sk-ant-wrong' }, 401, 'authentication_error'],
        [{ 'anthropic-version': '' }, 400, 'invalid_request_error'],
      ] as const) {
        const res = await post(body, headers);
        assert.equal(res.status, status);
        assert.ok(res.headers.get('request-id')?.startsWith('req_'));
        assert.equal(((await res.json()) as { error: { type: string } }).error.type, type);
      }
      const res = await fetch(`${fake.baseUrl}/v1/complete`, {
        headers: { 'x-api-key': fake.apiKey, 'anthropic-version': '2023-06-01' },
      });
      assert.equal(res.status, 404);
      assert.equal(((await res.json()) as { error: { type: string } }).error.type, 'not_found_error');
    });

    test('without stream, one message object with content and usage', async () => {
      const res = await post({ ...base, messages: [user(bakery.turns[0]!.say)] });
      assert.equal(res.status, 200);
      const msg = (await res.json()) as Record<string, any>;
      assert.equal(msg.type, 'message');
      assert.deepEqual(msg.content, [{ type: 'text', text: bakery.turns[0]!.reply }]);
      assert.equal(msg.stop_reason, 'end_turn');
      assert.ok(msg.usage.input_tokens > 0 && msg.usage.output_tokens > 0);
    });
  });

  test('a streamed bakery reply: several deltas, right headers and body, first token after the latency', async () => {
    await chat(claude, bakeryCtx('warm up')); // the first request pays for connection setup
    fake.reset();
    const LATENCY = 300;
    fake.setLatency(LATENCY);
    for (const turn of bakery.turns) {
      const r = await chat(claude, bakeryCtx(turn.say));
      assert.equal(r.text, turn.reply);
      assert.ok(r.deltas.length >= 3, `${r.deltas.length} deltas`);
      const ttft = r.deltas[0]!.at - r.startedAt;
      assert.ok(ttft >= LATENCY - 5, `first token after ${ttft} ms`);
      assert.deepEqual(
        r.errors.map((e) => String(e.error)),
        [],
      );
    }
    const recs = fake.messageRequests;
    assert.equal(recs.length, 3);
    for (const rec of recs) {
      assert.equal(rec.status, 200);
      assert.equal(rec.apiKey, fake.apiKey);
      assert.equal(rec.version, '2023-06-01');
      assert.equal(rec.model, MODEL);
      assert.equal(rec.stream, true);
      assert.equal(rec.maxTokens, 1024);
      assert.equal(rec.temperature, undefined);
      assert.equal(rec.system, 'You answer the bakery phone.');
      assert.equal(rec.tools, undefined);
      assert.ok(rec.firstOutputAt! - rec.at >= LATENCY, `served after ${rec.firstOutputAt! - rec.at} ms`);
    }
  });

  test('the registry factory: catalog model name, credentials origin, maxTokens and temperature', async () => {
    const model = findModel('anthropic', 'LLM', 'claude-sonnet-4-6');
    assert.ok(model, 'catalog has claude-sonnet-4-6');
    const built = anthropicFactories.LLM!({
      model,
      params: { maxTokens: 200, temperature: 0.2 },
      expectedPhrases: [],
      credentials: { apiKey: fake.apiKey, baseUrl: `${fake.baseUrl}/` },
    });
    assert.ok(built instanceof AnthropicLLM);
    assert.equal(built.label(), 'anthropic/claude-sonnet-4-6');
    assert.equal(built.provider, 'anthropic');
    const r = await chat(built, bakeryCtx(bakery.turns[1]!.say));
    assert.equal(r.text, bakery.turns[1]!.reply);
    const [rec] = fake.messageRequests;
    assert.equal(rec!.path, '/v1/messages');
    assert.equal(rec!.model, 'claude-sonnet-4-6');
    assert.equal(rec!.maxTokens, 200);
    assert.equal(rec!.temperature, 0.2);
    // An OpenAI-range temperature is clamped rather than refused on every turn.
    const hot = anthropicFactories.LLM!({
      model,
      params: { temperature: 1.7 },
      expectedPhrases: [],
      credentials: { apiKey: fake.apiKey, baseUrl: fake.baseUrl },
    });
    assert.deepEqual(
      (await chat(hot, bakeryCtx('hello'))).errors.map((e) => String(e.error)),
      [],
    );
    assert.equal(fake.messageRequests[1]!.temperature, 1);
    assert.equal(fake.messageRequests[1]!.maxTokens, 1024);
    assert.throws(
      () => anthropicFactories.LLM!({ model, params: {}, expectedPhrases: [] }),
      /no credentials/,
    );
  });

  test('a conversation with merged turns, an interjection during a tool call and a trailing assistant turn is accepted', async () => {
    const chatCtx = llm.ChatContext.empty();
    chatCtx.addMessage({ role: 'system', content: 'You answer the bakery phone.' });
    chatCtx.addMessage({ role: 'assistant', content: bakery.welcome });
    chatCtx.addMessage({ role: 'user', content: 'hi' });
    chatCtx.addMessage({ role: 'user', content: 'i would like to order a birthday cake' });
    chatCtx.insert(
      llm.FunctionCall.create({ callId: 'toolu_prev', name: 'check_stock', args: '{"item":"cake"}' }),
    );
    chatCtx.addMessage({ role: 'user', content: 'a chocolate one' });
    chatCtx.insert(
      llm.FunctionCallOutput.create({
        callId: 'toolu_prev',
        name: 'check_stock',
        output: 'in stock',
        isError: false,
      }),
    );
    chatCtx.addMessage({ role: 'assistant', content: 'We have chocolate cakes.' });
    chatCtx.addMessage({ role: 'developer', content: 'Keep answers short.' });
    const toolCtx = new llm.ToolContext({
      check_stock: llm.tool({
        description: 'Stock of an item.',
        parameters: z.object({ item: z.string() }),
        execute: async () => 'ok',
      }),
    });
    const r = await chat(claude, chatCtx, { toolCtx });
    assert.deepEqual(
      r.errors.map((e) => String(e.error)),
      [],
      'the fake accepted the request',
    );
    assert.equal(fake.messageRequests[0]!.status, 200);
    const sent = fake.messageRequests[0]!;
    assert.equal(sent.system, 'You answer the bakery phone.\n\nKeep answers short.');
    assert.deepEqual(sent.messages, (await toAnthropicMessages(chatCtx)).messages);
    assert.deepEqual(
      sent.messages!.map((m) => m.role),
      ['user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user'],
    );
  });

  test('a tool call: arguments parsed into a FunctionCall, and the next request carries the result', async () => {
    fake.configure({ toolUse: { name: 'lookup_hours', input: { day: 'tomorrow' }, text: 'Let me check.' } });
    const toolCtx = new llm.ToolContext({
      lookup_hours: llm.tool({
        description: 'Opening hours of the bakery for a day.',
        parameters: z.object({ day: z.string() }),
        execute: async ({ day }) => `On ${day} we open at nine.`,
      }),
    });
    const chatCtx = bakeryCtx('when do you open tomorrow');
    const first = await chat(claude, chatCtx, { toolCtx });
    assert.equal(first.text, 'Let me check.');
    assert.equal(first.toolCalls.length, 1);
    const [callItem] = first.toolCalls;
    assert.equal(callItem!.name, 'lookup_hours');
    assert.match(callItem!.callId, /^toolu_/);
    assert.deepEqual(JSON.parse(callItem!.args), { day: 'tomorrow' });
    const [offered] = fake.messageRequests[0]!.tools!;
    assert.equal(offered!.name, 'lookup_hours');
    assert.equal(offered!.description, 'Opening hours of the bakery for a day.');
    assert.deepEqual(offered!.input_schema.required, ['day']);
    assert.equal(fake.messageRequests[0]!.stopReason, 'tool_use');

    // What the agent session does next: record the call and its output, then ask again.
    const args = JSON.parse(callItem!.args) as { day: string };
    const output = `On ${args.day} we open at nine.`;
    chatCtx.items.push(
      llm.ChatMessage.create({ role: 'assistant', content: first.text }),
      callItem!,
      llm.FunctionCallOutput.create({
        callId: callItem!.callId,
        name: callItem!.name,
        output,
        isError: false,
      }),
    );
    const second = await chat(claude, chatCtx, { toolCtx });
    assert.deepEqual(
      second.errors.map((e) => String(e.error)),
      [],
    );
    assert.equal(second.text, output, 'the fake answers with the tool result it received');
    assert.deepEqual(second.toolCalls, []);
    const followUp = fake.messageRequests[1]!;
    assert.equal(followUp.status, 200);
    const [assistantTurn, resultTurn] = followUp.messages!.slice(-2);
    assert.deepEqual(assistantTurn, {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: callItem!.callId, name: 'lookup_hours', input: { day: 'tomorrow' } },
      ],
    });
    assert.deepEqual(resultTurn, {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: callItem!.callId, content: output }],
    });
  });

  test('usage: the usage chunk and the metrics event carry the tokens the fake counted', async () => {
    const metrics: { promptTokens: number; completionTokens: number }[] = [];
    const onMetrics = (m: { promptTokens: number; completionTokens: number }) => metrics.push(m);
    claude.on('metrics_collected', onMetrics);
    try {
      const r = await chat(claude, bakeryCtx(bakery.turns[0]!.say));
      const served = fake.messageRequests[0]!.usage!;
      assert.deepEqual(r.usage, {
        promptTokens: served.input_tokens,
        promptCachedTokens: 0,
        cacheCreationTokens: 0,
        completionTokens: served.output_tokens,
        totalTokens: served.input_tokens + served.output_tokens,
      });
      assert.ok(served.output_tokens > 1 && served.input_tokens > 1);
      await waitUntil(() => metrics.length > 0, 2_000, 'the metrics event');
      assert.equal(metrics[0]!.promptTokens, served.input_tokens);
      assert.equal(metrics[0]!.completionTokens, served.output_tokens);
    } finally {
      claude.off('metrics_collected', onMetrics);
    }
  });

  test('cancellation: closing the stream mid-answer ends the HTTP request and the chunks', async () => {
    const words = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    fake.configure({ reply: () => words, tokenIntervalMs: 50 });
    const stream = claude.chat({ chatCtx: bakeryCtx('tell me everything'), connOptions: FAST });
    let received = 0;
    let afterClose = 0;
    let closedAt = 0;
    await within(
      5_000,
      'the cancelled stream',
      (async () => {
        for await (const chunk of stream) {
          if (!chunk.delta?.content) continue;
          if (closedAt) afterClose++;
          if (++received === 2) {
            stream.close();
            closedAt = Date.now();
          }
        }
      })(),
    );
    const rec = await waitUntil(
      () => fake.messageRequests.find((r) => r.cancelled),
      2_000,
      'the fake to see the request cancelled',
    );
    assert.ok(rec.doneAt! - closedAt < 2_000, `cancelled ${rec.doneAt! - closedAt} ms after close()`);
    assert.equal(afterClose, 0, 'no chunks after close()');
    assert.equal(received, 2);
    assert.equal(fake.messageRequests.length, 1, 'no retry after a cancel');
  });

  test('verify: the right key passes, a wrong key is rejected, outages are retryable', async () => {
    await anthropicAccount.verify({ apiKey: fake.apiKey, baseUrl: fake.baseUrl });
    const [ok] = fake.requests;
    assert.deepEqual(
      [ok!.method, ok!.path, ok!.status, ok!.apiKey, ok!.version],
      ['GET', '/v1/models', 200, fake.apiKey, '2023-06-01'],
    );
    // An OpenAI-style base URL (with /v1) reaches the same place.
    await anthropicAccount.verify({ apiKey: fake.apiKey, baseUrl: `${fake.baseUrl}/v1` });
    assert.equal(fake.requests[1]!.path, '/v1/models');

    const wrong = await anthropicAccount
      .verify({ apiKey: 'sk-ant-wrong', baseUrl: fake.baseUrl })
      .catch((e) => e);
    assert.ok(wrong instanceof ProviderAccountError, String(wrong));
    assert.equal(wrong.kind, 'rejected');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.retryable, false);

    fake.failNext(529);
    const overloaded = await anthropicAccount
      .verify({ apiKey: fake.apiKey, baseUrl: fake.baseUrl })
      .catch((e) => e);
    assert.ok(overloaded instanceof ProviderAccountError);
    assert.equal(overloaded.kind, 'unavailable');
    assert.equal(overloaded.retryable, true);
  });

  test('prewarm opens the connection with a token-free GET /v1/models', async () => {
    const warm = new AnthropicLLM({ model: MODEL, apiKey: fake.apiKey, baseUrl: fake.baseUrl });
    warm.prewarm();
    await waitUntil(
      () => fake.requests.find((r) => r.path === '/v1/models' && r.doneAt),
      2_000,
      'the prewarm request',
    );
    assert.equal(fake.messageRequests.length, 0);
    await warm.aclose();
  });

  describe('faults', () => {
    test('401 with a wrong key: one request, a non-retryable APIStatusError', async () => {
      const wrong = new AnthropicLLM({ model: MODEL, apiKey: 'sk-ant-wrong', baseUrl: fake.baseUrl });
      const r = await chat(wrong, bakeryCtx('hello'));
      assert.equal(r.text, '');
      assert.equal(r.errors.length, 1);
      const err = r.errors[0]!.error;
      assert.ok(err instanceof APIStatusError, String(err));
      assert.equal(err.statusCode, 401);
      assert.equal(err.retryable, false);
      assert.match(err.message, /authentication_error/);
      assert.equal(r.errors[0]!.recoverable, false);
      assert.equal(fake.messageRequests.length, 1);
    });

    test('429 then success: the base class retries once and the reply arrives', async () => {
      fake.failNext(429, 1);
      const r = await chat(claude, bakeryCtx(bakery.turns[0]!.say));
      assert.equal(r.text, bakery.turns[0]!.reply);
      assert.deepEqual(
        fake.messageRequests.map((q) => q.status),
        [429, 200],
      );
      assert.equal(r.errors.length, 1);
      assert.equal(r.errors[0]!.recoverable, true);
      assert.equal((r.errors[0]!.error as APIStatusError).statusCode, 429);
    });

    for (const status of [529, 500]) {
      test(`${status} on every attempt: retried maxRetry times, then a retryable error`, async () => {
        fake.failNext(status, 10);
        const r = await chat(claude, bakeryCtx('hello'), { connOptions: { ...FAST, maxRetry: 2 } });
        assert.equal(r.text, '');
        assert.deepEqual(
          fake.messageRequests.map((q) => q.status),
          [status, status, status],
        );
        assert.equal(r.errors.length, 3);
        for (const e of r.errors) {
          assert.ok(e.error instanceof APIStatusError);
          assert.equal(e.error.statusCode, status);
          assert.equal(e.error.retryable, true);
        }
        assert.deepEqual(
          r.errors.map((e) => e.recoverable),
          [true, true, false],
        );
        assert.match(r.errors[2]!.error.message, status === 529 ? /overloaded_error/ : /api_error/);
      });
    }

    test('an error event after a 200 (overload mid-stream) is retried like the status it stands for', async () => {
      fake.streamErrorNext('overloaded_error');
      const r = await chat(claude, bakeryCtx(bakery.turns[2]!.say));
      assert.equal(r.text, bakery.turns[2]!.reply);
      assert.equal(fake.messageRequests.length, 2);
      assert.equal(fake.messageRequests[0]!.status, 200);
      assert.equal(fake.messageRequests[0]!.error?.type, 'overloaded_error');
      const err = r.errors[0]!.error as APIStatusError;
      assert.equal(err.statusCode, 529);
      assert.equal(r.errors[0]!.recoverable, true);
    });

    test('a stream cut after its first output ends with a non-retryable error, without a repeat', async () => {
      fake.dropNext();
      const r = await chat(claude, bakeryCtx(bakery.turns[0]!.say));
      assert.equal(r.text, 'We ', 'only the first delta got out');
      assert.equal(fake.messageRequests.length, 1, 'no retry: it would repeat what was said');
      assert.equal(fake.messageRequests[0]!.fault, 'drop');
      assert.equal(r.errors.length, 1);
      const err = r.errors[0]!.error;
      assert.ok(err instanceof APIConnectionError, String(err));
      assert.equal(err.retryable, false);
    });

    test('a stalled request times out after timeoutMs and the retry succeeds', async () => {
      await chat(claude, bakeryCtx('warm up')); // the connection exists: the timeout measures the stall
      fake.reset();
      fake.stallNext();
      const timeoutMs = 800;
      const r = await chat(claude, bakeryCtx(bakery.turns[0]!.say), {
        connOptions: { maxRetry: 1, retryIntervalMs: 20, timeoutMs },
      });
      assert.equal(r.errors.length, 1, r.errors.map((e) => String(e.error)).join('; '));
      const err = r.errors[0]!.error;
      assert.ok(err instanceof APITimeoutError, String(err));
      assert.equal(err.retryable, true);
      const waited = r.errors[0]!.timestamp - r.startedAt;
      assert.ok(waited >= timeoutMs - 5 && waited < timeoutMs + 2_000, `gave up after ${waited} ms`);
      assert.equal(r.text, bakery.turns[0]!.reply);
      const [stalled, retried] = fake.messageRequests;
      assert.equal(stalled!.fault, 'stall');
      assert.equal(stalled!.cancelled, true, 'the client gave up on the stalled request');
      assert.equal(retried!.status, 200);
    });

    test('a stalled request without retries ends the stream with APITimeoutError in time', async () => {
      fake.stallNext();
      const r = await chat(claude, bakeryCtx('hello'), {
        connOptions: { maxRetry: 0, retryIntervalMs: 20, timeoutMs: 800 },
        limitMs: 4_000,
      });
      assert.equal(r.text, '');
      assert.ok(r.errors[0]?.error instanceof APITimeoutError, String(r.errors[0]?.error));
      const took = r.endedAt - r.startedAt;
      assert.ok(took >= 795 && took < 800 + 2_000, `ended after ${took} ms`);
      assert.equal(fake.messageRequests.length, 1);
    });
  });
});
