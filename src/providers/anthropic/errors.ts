/**
 * Anthropic's failures as `@livekit/agents` API errors, whose `retryable` flag drives the
 * `LLMStream` retry loop: an HTTP error answer, or an `error` event inside a stream.
 */
import { APIStatusError } from '@livekit/agents';
import type { ErrorBody } from './wire.ts';

/** The HTTP status Anthropic documents for each error `type` (an `error` event carries only the type). */
export const ERROR_TYPE_STATUS: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/**
 * Whether trying again can help, as Anthropic's own SDKs decide: the `x-should-retry` header when
 * the server sends one, otherwise 408, 409, 429 and every 5xx (529 "overloaded" included).
 */
export function isRetryableStatus(status: number, headers?: Headers): boolean {
  const hint = headers?.get('x-should-retry');
  if (hint === 'true') return true;
  if (hint === 'false') return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * The error for a non-2xx answer, with the body's `error.type` and `message` and the request id.
 * `canRetry` is false once the caller has seen output, which a retry would repeat.
 */
export async function responseError(res: Response, canRetry: boolean): Promise<APIStatusError> {
  const raw = await res.text().catch(() => '');
  const body = parseErrorBody(raw);
  const type = body?.error.type ?? 'unknown_error';
  const detail = body?.error.message ?? (raw.slice(0, 300) || res.statusText);
  const retryAfter = res.headers.get('retry-after');
  return new APIStatusError({
    message: `Anthropic answered ${res.status} ${type}: ${detail}${retryAfter ? ` (retry after ${retryAfter} s)` : ''}`,
    options: {
      statusCode: res.status,
      body: body ?? { raw: raw.slice(0, 1000) },
      requestId: body?.request_id ?? res.headers.get('request-id'),
      retryable: canRetry && isRetryableStatus(res.status, res.headers),
    },
  });
}

/**
 * The error for an `error` event in a stream that had started with 200 (typically
 * `overloaded_error`). Its status is the one the type stands for, so it reads like the same
 * failure answered up front.
 */
export function streamEventError(
  body: ErrorBody,
  canRetry: boolean,
  requestId: string | null,
): APIStatusError {
  const status = ERROR_TYPE_STATUS[body.error.type] ?? 500;
  return new APIStatusError({
    message: `Anthropic stream failed with ${body.error.type}: ${body.error.message}`,
    options: {
      statusCode: status,
      body,
      requestId: body.request_id ?? requestId,
      retryable: canRetry && isRetryableStatus(status),
    },
  });
}

function parseErrorBody(raw: string): ErrorBody | undefined {
  try {
    const parsed = JSON.parse(raw) as Partial<ErrorBody>;
    if (parsed?.type === 'error' && typeof parsed.error?.type === 'string') return parsed as ErrorBody;
  } catch {
    // Not JSON: a proxy's HTML page, say; the raw text goes into the message.
  }
  return undefined;
}
