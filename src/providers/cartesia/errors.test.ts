import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APIConnectionError, APIStatusError, APITimeoutError } from '@livekit/agents';
import {
  connectionError,
  describeCartesiaError,
  errorEventError,
  statusError,
  withoutRetry,
} from './errors.ts';

describe('Cartesia errors', () => {
  it('reads structured, legacy and plain-text error bodies', () => {
    const structured = describeCartesiaError(
      JSON.stringify({
        error_code: 'concurrency_limited',
        title: 'Too many concurrent requests',
        message: "You have exceeded your plan's concurrency limit.",
        request_id: 'r1',
      }),
    );
    assert.equal(
      structured.detail,
      "Too many concurrent requests: You have exceeded your plan's concurrency limit. [concurrency_limited]",
    );
    assert.equal(structured.body?.request_id, 'r1');
    assert.equal(describeCartesiaError('{"error":"Invalid model"}').detail, 'Invalid model');
    assert.deepEqual(describeCartesiaError('Unauthorized: bad key'), {
      detail: 'Unauthorized: bad key',
      body: null,
    });
    assert.deepEqual(describeCartesiaError('  '), { detail: '', body: null });
  });

  it('maps HTTP statuses to retryable or final status errors', () => {
    const cases: [number, boolean][] = [
      [400, false],
      [401, false],
      [402, false],
      [404, false],
      [408, true],
      [429, true],
      [500, true],
      [503, true],
    ];
    for (const [status, retryable] of cases) {
      const e = statusError(status, '{"title":"T","message":"M","request_id":"rid"}');
      assert.ok(e instanceof APIStatusError);
      assert.equal(e.statusCode, status);
      assert.equal(e.retryable, retryable, `HTTP ${status}`);
      assert.equal(e.requestId, 'rid');
      assert.match(e.message, new RegExp(`HTTP ${status}: T: M`));
    }
    assert.equal(statusError(500, '', 'header-id').requestId, 'header-id');
  });

  it('maps websocket error events, without a status as a retryable 500', () => {
    const notFound = errorEventError({ status_code: 404, title: 'Voice not found', message: 'No voice x.' });
    assert.equal(notFound.statusCode, 404);
    assert.equal(notFound.retryable, false);
    assert.match(notFound.message, /Voice not found: No voice x\./);
    const legacy = errorEventError({ error: 'Something broke' });
    assert.equal(legacy.statusCode, 500);
    assert.equal(legacy.retryable, true);
    assert.match(legacy.message, /Something broke/);
  });

  it('wraps network failures as retryable connection errors and leaves API errors alone', () => {
    const e = connectionError(new Error('ECONNREFUSED'));
    assert.ok(e instanceof APIConnectionError);
    assert.equal(e.retryable, true);
    assert.match(e.message, /ECONNREFUSED/);
    const status = statusError(429, '');
    assert.equal(connectionError(status), status);
  });

  it('withoutRetry keeps the class and the status but is final', () => {
    const s = withoutRetry(statusError(503, ''));
    assert.ok(s instanceof APIStatusError);
    assert.equal(s.statusCode, 503);
    assert.equal(s.retryable, false);
    const t = withoutRetry(new APITimeoutError({ message: 'slow' }));
    assert.ok(t instanceof APITimeoutError);
    assert.equal(t.retryable, false);
    const c = withoutRetry(new APIConnectionError({ message: 'cut' }));
    assert.ok(c instanceof APIConnectionError && !(c instanceof APITimeoutError));
    assert.equal(c.retryable, false);
    const final = statusError(401, '');
    assert.equal(withoutRetry(final), final);
  });
});
