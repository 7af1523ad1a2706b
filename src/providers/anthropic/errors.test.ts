/** Anthropic failures → agents API errors and their `retryable` flag. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { APIStatusError } from '@livekit/agents';
import { isRetryableStatus, responseError, streamEventError } from './errors.ts';

const errorBody = (type: string, message: string) =>
  JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_body' });

describe('Anthropic errors', () => {
  test('retryable statuses are 408, 409, 429 and 5xx unless x-should-retry says otherwise', () => {
    for (const s of [408, 409, 429, 500, 503, 529]) assert.equal(isRetryableStatus(s), true, String(s));
    for (const s of [400, 401, 403, 404, 413]) assert.equal(isRetryableStatus(s), false, String(s));
    assert.equal(isRetryableStatus(500, new Headers({ 'x-should-retry': 'false' })), false);
    assert.equal(isRetryableStatus(400, new Headers({ 'x-should-retry': 'true' })), true);
  });

  test('an error answer keeps status, type, message and request id', async () => {
    const res = new Response(errorBody('overloaded_error', 'Overloaded'), {
      status: 529,
      headers: { 'request-id': 'req_header' },
    });
    const err = await responseError(res, true);
    assert.ok(err instanceof APIStatusError);
    assert.equal(err.statusCode, 529);
    assert.equal(err.retryable, true);
    assert.equal(err.requestId, 'req_body');
    assert.match(err.message, /529 overloaded_error: Overloaded/);
    assert.deepEqual((err.body as { error: unknown }).error, {
      type: 'overloaded_error',
      message: 'Overloaded',
    });
  });

  test('401 is never retried; nothing is once output went out; a non-JSON body still explains', async () => {
    const auth = await responseError(
      new Response(errorBody('authentication_error', 'invalid x-api-key'), { status: 401 }),
      true,
    );
    assert.equal(auth.retryable, false);
    const late = await responseError(new Response(errorBody('api_error', 'boom'), { status: 500 }), false);
    assert.equal(late.retryable, false);
    const html = await responseError(
      new Response('<html>Bad gateway</html>', { status: 502, headers: { 'retry-after': '3' } }),
      true,
    );
    assert.equal(html.retryable, true);
    assert.match(html.message, /502 unknown_error: <html>Bad gateway<\/html> \(retry after 3 s\)/);
  });

  test('an error event takes the status its type stands for', () => {
    const overloaded = streamEventError(
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      true,
      'req_1',
    );
    assert.equal(overloaded.statusCode, 529);
    assert.equal(overloaded.retryable, true);
    assert.equal(overloaded.requestId, 'req_1');
    const invalid = streamEventError(
      { type: 'error', error: { type: 'invalid_request_error', message: 'no' } },
      true,
      null,
    );
    assert.equal(invalid.statusCode, 400);
    assert.equal(invalid.retryable, false);
    assert.equal(
      streamEventError({ type: 'error', error: { type: 'api_error', message: 'x' } }, false, null).retryable,
      false,
    );
  });
});
