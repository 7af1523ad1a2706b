/**
 * Cartesia failures as `@livekit/agents` API errors, whose `retryable` drives the framework's retry
 * loop: rate limits (429) and Cartesia's own failures (5xx) are worth another attempt, other 4xx
 * (a bad key, an unknown voice) are not, and network failures are.
 */
import { APIConnectionError, APIError, APIStatusError, APITimeoutError } from '@livekit/agents';

/** What Cartesia's error bodies and websocket error events carry (both formats it has used). */
export interface CartesiaErrorFields {
  error_code?: string | null;
  title?: string;
  message?: string;
  request_id?: string;
  doc_url?: string;
  /** The pre-2026-03-01 websocket field. */
  error?: string;
  status_code?: number;
}

/** A readable message and the parsed body of a Cartesia error (structured JSON or plain text). */
export function describeCartesiaError(bodyText: string): {
  detail: string;
  body: CartesiaErrorFields | null;
} {
  const text = bodyText.trim();
  if (!text) return { detail: '', body: null };
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      const fields = body as CartesiaErrorFields;
      return { detail: detailOf(fields) || text.slice(0, 300), body: fields };
    }
  } catch {
    // Older API versions answer plain text such as "Title: Message".
  }
  return { detail: text.slice(0, 300), body: null };
}

function detailOf(fields: CartesiaErrorFields): string {
  const title = typeof fields.title === 'string' ? fields.title : '';
  const message =
    typeof fields.message === 'string'
      ? fields.message
      : typeof fields.error === 'string'
        ? fields.error
        : '';
  const code = typeof fields.error_code === 'string' ? ` [${fields.error_code}]` : '';
  if (title && message && !message.startsWith(title)) return `${title}: ${message}${code}`;
  return `${message || title}${code}`;
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** An HTTP (or refused websocket upgrade) status with its body, as an {@link APIStatusError}. */
export function statusError(status: number, bodyText: string, requestId?: string | null): APIStatusError {
  const { detail, body } = describeCartesiaError(bodyText);
  return new APIStatusError({
    message: `Cartesia answered HTTP ${status}${detail ? `: ${detail}` : ''}`,
    options: {
      statusCode: status,
      retryable: isRetryableStatus(status),
      body,
      requestId: body?.request_id ?? requestId ?? null,
    },
  });
}

/** A websocket `error` event for a context, as an {@link APIStatusError} (no status counts as 500). */
export function errorEventError(event: CartesiaErrorFields): APIStatusError {
  const status = typeof event.status_code === 'number' ? event.status_code : 500;
  const detail = detailOf(event);
  return new APIStatusError({
    message: `Cartesia reported an error (${status})${detail ? `: ${detail}` : ''}`,
    options: {
      statusCode: status,
      retryable: isRetryableStatus(status),
      body: event as object,
      requestId: event.request_id ?? null,
    },
  });
}

/** A network-level failure (refused, reset, DNS) as a retryable {@link APIConnectionError}. */
export function connectionError(error: unknown, what = 'Cartesia connection failed'): APIError {
  if (error instanceof APIError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new APIConnectionError({ message: `${what}: ${message}` });
}

/**
 * The same error with `retryable: false`. Used once audio has gone out: a retry would synthesize
 * the segment again from its start and the caller would hear the beginning twice.
 */
export function withoutRetry(error: APIError): APIError {
  if (!error.retryable) return error;
  const message = `${error.message} (not retried: part of the audio was already played)`;
  if (error instanceof APIStatusError) {
    return new APIStatusError({
      message,
      options: {
        statusCode: error.statusCode,
        retryable: false,
        body: error.body,
        requestId: error.requestId,
      },
    });
  }
  if (error instanceof APITimeoutError)
    return new APITimeoutError({ message, options: { retryable: false } });
  return new APIConnectionError({ message, options: { retryable: false } });
}
