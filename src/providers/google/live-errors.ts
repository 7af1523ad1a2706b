/**
 * What a failed Gemini Live connection means, as an agents API error with `retryable` set.
 *
 * The Live API accepts the websocket upgrade and reports most failures (a bad key, an unknown
 * model, an invalid setup, an exhausted quota) by closing the socket with a close code and a
 * short reason; proxies and Google's front end may instead refuse the upgrade with an HTTP
 * status. Both end up here, so the session's `error` events read the same either way.
 */
import { APIConnectionError, APIStatusError, type APIError } from '@livekit/agents';

/** Close codes that say "this request will never work" (RFC 6455 §7.4.1). */
const PERMANENT_CLOSE_CODES = new Set([1002, 1003, 1007, 1008, 1009, 1010]);
/** Close codes of a server that failed or is restarting: another attempt may succeed. */
const TRANSIENT_CLOSE_CODES = new Set([1001, 1011, 1012, 1013, 1014]);

/** The socket closed (by the server or the network) at a moment the session did not ask for. */
export function closeError(code: number, reason: string, when: 'setup' | 'session'): APIError {
  const stage = when === 'setup' ? 'during the setup' : 'mid-session';
  if (code === 1006 || code === 1005 || code === 1000) {
    // 1006: no close frame at all (a dropped TCP connection); 1000/1005 before setupComplete: the
    // server went away without saying why.
    return new APIConnectionError({
      message: `Gemini Live connection closed ${stage} without a reason (code ${code})`,
      options: { retryable: true },
    });
  }
  // Unknown codes below 4000 are protocol-level and worth one more attempt; 4000+ are
  // application-defined and Google does not document any, so they are taken as final.
  const retryable = TRANSIENT_CLOSE_CODES.has(code) || (!PERMANENT_CLOSE_CODES.has(code) && code < 4000);
  return new APIStatusError({
    message: `Gemini Live closed the connection ${stage} (code ${code})${reason ? `: ${reason}` : ''}`,
    options: { statusCode: code, retryable, body: { code, reason } },
  });
}

/** The websocket upgrade was answered with an HTTP status instead of 101. */
export function refusedError(status: number, body: string): APIError {
  return new APIStatusError({
    message: `Gemini Live refused the connection (HTTP ${status}): ${googleErrorMessage(body)}`,
    options: { statusCode: status, retryable: status === 429 || status >= 500, body: safeJson(body) },
  });
}

/** The socket failed before it opened (refused, reset, DNS, TLS). */
export function socketError(message: string): APIError {
  return new APIConnectionError({
    message: `Gemini Live connection failed: ${message}`,
    options: { retryable: true },
  });
}

/** No `setupComplete` within the connect timeout. */
export function setupTimeoutError(timeoutMs: number): APIError {
  return new APIConnectionError({
    message: `Gemini Live did not complete the session setup within ${timeoutMs} ms`,
    options: { retryable: true },
  });
}

function safeJson(text: string): object | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? parsed : null;
  } catch {
    return null;
  }
}

/** Google's `error.message` when the body is a Google error, else the start of the body. */
export function googleErrorMessage(body: string): string {
  const message = (safeJson(body) as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof message === 'string' ? message : body.slice(0, 200) || 'no body';
}
