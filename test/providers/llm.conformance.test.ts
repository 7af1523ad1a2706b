/**
 * One LLM conformance suite, run against every cloud LLM through its fake (test/providers/targets.ts):
 * a streamed reply, cancellation (barge-in), and the faults a call meets — refused key, rate limit
 * then success, errors after retries, a dropped stream, a stalled one. Tool calls are covered per
 * provider by the fakes' own protocol tests, since each provider asks for them differently.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { llm as agentsLlm } from '@livekit/agents';
import { isCancellation } from '../../src/providers/http-errors.ts';
import { bakery } from '../fixtures/bakery-agent.ts';
import type { FakeProviderControl } from '../fakes/control.ts';
import { norm } from '../helpers/text.ts';
import {
  buildTarget,
  closeQuietly,
  type EmittedError,
  errorsOf,
  eventually,
  FAST,
  NO_RETRY_SHORT_TIMEOUT,
  toleratePluginTaskRejections,
  within,
  work,
} from './support.ts';
import { llmTargets } from './targets.ts';

toleratePluginTaskRejections();

const ASK = bakery.turns[0]!.say;
const REPLY = bakery.turns[0]!.reply;

function chatCtx(): agentsLlm.ChatContext {
  const ctx = agentsLlm.ChatContext.empty();
  ctx.addMessage({ role: 'system', content: 'You answer the bakery phone.' });
  ctx.addMessage({ role: 'user', content: ASK });
  return ctx;
}

/**
 * Reads a reply until the stream ends or its LLM reports an unrecoverable error (what ends a
 * call); never throws.
 */
async function reply(model: agentsLlm.LLM, errors: EmittedError[], connOptions = FAST) {
  const stream = model.chat({ chatCtx: chatCtx(), connOptions });
  const started = Date.now();
  let text = '';
  let firstMs: number | undefined;
  let done = false;
  const reading = (async () => {
    try {
      for await (const chunk of stream) {
        const content = chunk.delta?.content ?? '';
        if (content && firstMs === undefined) firstMs = Date.now() - started;
        text += content;
      }
    } catch {
      // read from the error events
    }
  })();
  const failing = (async () => {
    while (!done && !errors.some((e) => !e.recoverable)) await new Promise((r) => setTimeout(r, 25));
  })();
  try {
    await Promise.race([reading, failing]);
  } finally {
    done = true;
  }
  return { text, firstMs, stream };
}

for (const target of llmTargets) {
  describe(`LLM conformance: ${target.name}`, { timeout: 120_000 }, () => {
    let fake: FakeProviderControl;
    before(async () => {
      fake = await target.start();
    });
    after(async () => {
      await fake?.close();
    });
    const fresh = (opts: { wrongKey?: boolean } = {}) => {
      fake.reset();
      const model = buildTarget('LLM', target, fake, opts);
      return { model, errors: errorsOf(model) };
    };
    const fatal = (errors: EmittedError[]) =>
      errors.filter((e) => !e.recoverable && !isCancellation(e.error));

    test('streams the reply in pieces, no sooner than the provider answers', async () => {
      const { model, errors } = fresh();
      fake.setLatency(200);
      const r = await within(reply(model, errors), 30_000, 'the reply');
      fake.setLatency(0);
      assert.equal(norm(r.text), norm(REPLY));
      assert.ok(r.firstMs !== undefined && r.firstMs >= 190, `first token after ${r.firstMs} ms`);
      assert.deepEqual(fatal(errors), []);
      await closeQuietly(model);
    });

    test('closing the stream mid-reply (barge-in) ends the request', async () => {
      const { model, errors } = fresh();
      fake.setLatency(100);
      const stream = model.chat({ chatCtx: chatCtx(), connOptions: FAST });
      let after = 0;
      let closed = false;
      for await (const chunk of stream) {
        if (!chunk.delta?.content) continue;
        if (closed) after++;
        else {
          closed = true;
          stream.close();
        }
      }
      fake.setLatency(0);
      assert.ok(after <= 2, `${after} chunks after close`);
      await eventually(
        () => work(fake, target).some((r) => r.cancelled || r.doneAt !== undefined),
        2_000,
        'the fake to see the request end',
      );
      assert.deepEqual(fatal(errors), [], 'a barge-in is not an error');
      await closeQuietly(model);
    });

    test('a refused key is one attempt and an unrecoverable, non-retryable client error', async () => {
      const { model, errors } = fresh({ wrongKey: true });
      await within(reply(model, errors), 20_000, 'the refused reply');
      await eventually(() => errors.length > 0, 5_000, 'an error event');
      assert.equal(errors[0]!.recoverable, false);
      assert.equal(errors[0]!.error.retryable, false);
      // Google answers a wrong key with 400 API_KEY_INVALID; the others with 401.
      assert.ok(
        [400, 401, 403].includes(errors[0]!.error.statusCode!),
        `status ${errors[0]!.error.statusCode}`,
      );
      assert.equal(work(fake, target).length, 1, 'not retried');
      await closeQuietly(model);
    });

    test('a 429 is retried and the retry answers', async () => {
      const { model, errors } = fresh();
      fake.failNext(429, 1);
      const r = await within(reply(model, errors), 30_000, 'the retried reply');
      assert.equal(norm(r.text), norm(REPLY));
      assert.deepEqual(fatal(errors), []);
      assert.equal(work(fake, target)[0]!.status, 429);
      assert.ok(work(fake, target).length >= 2);
      await closeQuietly(model);
    });

    test('5xx on every attempt: retried, then a retryable error', async () => {
      const { model, errors } = fresh();
      fake.failNext(500, 10);
      await within(reply(model, errors), 30_000, 'the failing reply');
      await eventually(() => errors.some((e) => !e.recoverable), 10_000, 'the final error');
      assert.equal(errors.find((e) => !e.recoverable)!.error.retryable, true);
      assert.equal(work(fake, target).length, FAST.maxRetry + 1);
      await closeQuietly(model);
    });

    test('a stream cut after its first token is retried or reported, never left hanging', async () => {
      const { model, errors } = fresh();
      fake.dropNext();
      const r = await within(reply(model, errors), 30_000, 'the dropped reply');
      const retried = work(fake, target).length >= 2;
      assert.ok(retried || errors.length > 0 || norm(r.text) === norm(REPLY), 'the drop was noticed');
      await closeQuietly(model);
    });

    test('a provider that never answers times out', async () => {
      const { model, errors } = fresh();
      fake.stallNext();
      const started = Date.now();
      await within(reply(model, errors, NO_RETRY_SHORT_TIMEOUT), 20_000, 'the stalled reply');
      await eventually(() => errors.length > 0, 10_000, 'a timeout error');
      assert.ok(Date.now() - started < 15_000, `gave up after ${Date.now() - started} ms`);
      await closeQuietly(model);
    });
  });
}
