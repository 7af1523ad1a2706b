/**
 * Deepgram's HTTP errors as `@livekit/agents` API errors, so the framework's retry loop can tell a
 * bad key (401, never retried) from a rate limit or an outage (429, 5xx: retried).
 */
import { APIStatusError } from '@livekit/agents';

/** Deepgram's JSON error body: `{"err_code":"INVALID_AUTH","err_msg":"Invalid credentials.","request_id":"…"}`. */
export interface DeepgramErrorBody {
  err_code?: string;
  err_msg?: string;
  request_id?: string;
}

/** The body as Deepgram's error JSON, or null when it is something else (a proxy's HTML page). */
export function parseDeepgramError(text: string): DeepgramErrorBody | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? (parsed as DeepgramErrorBody) : null;
  } catch {
    return null;
  }
}

/**
 * An `APIStatusError` for a refused request or websocket upgrade. `what` names the call
 * ("Deepgram STT"); `requestId` is the `dg-request-id` header when the body has none. Retryable
 * follows the status: 408, 429 and 5xx are, other 4xx are not.
 */
export function deepgramStatusError(
  what: string,
  status: number,
  bodyText: string,
  requestId?: string,
): APIStatusError {
  const body = parseDeepgramError(bodyText);
  const code = body?.err_code ? ` ${body.err_code}` : '';
  const detail = body?.err_msg ?? (bodyText.trim().slice(0, 200) || 'no body');
  return new APIStatusError({
    message: `${what} failed (HTTP ${status}${code}): ${detail}`,
    options: {
      statusCode: status,
      body: body ?? (bodyText ? { text: bodyText.slice(0, 2000) } : null),
      requestId: body?.request_id ?? requestId ?? null,
      retryable: status === 408 || status === 429 || status >= 500,
    },
  });
}
