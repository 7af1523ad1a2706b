/**
 * How provider adapters report HTTP failures to `@livekit/agents`, whose retry loops act on the
 * error class and its `retryable` flag: 429, 408 and 5xx (and 529, "overloaded") are worth another
 * attempt; other 4xx (a refused key, a bad request) are not; no answer in time is a timeout; a
 * connection that failed or broke is a retryable connection error. A request the caller aborted
 * (barge-in, hang-up) is not an error at all: see {@link isCancellation}.
 */
import { APIConnectionError, APIStatusError, APITimeoutError } from '@livekit/agents';

/** Whether an HTTP status is worth retrying. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** An API status error for a non-2xx response, with the start of its body in the message. */
export async function statusError(provider: string, res: Response): Promise<APIStatusError> {
  const text = (await res.text().catch(() => '')).slice(0, 500);
  let body: object | null = null;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') body = parsed;
  } catch {
    // not JSON
  }
  return new APIStatusError({
    message: `${provider} answered HTTP ${res.status}${text ? `: ${text}` : ''}`,
    options: { statusCode: res.status, body, retryable: retryableStatus(res.status) },
  });
}

/** True for the errors a request raises when its caller aborted it. */
export function isCancellation(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return (
    err.name === 'AbortError' ||
    err.name === 'APIUserAbortError' ||
    (err as { code?: unknown }).code === 'ABORT_ERR' ||
    /request was aborted|operation was aborted/i.test(err.message)
  );
}

/**
 * `fetch` for a provider request that must answer within `timeoutMs`: the timeout covers the
 * response headers (the body is streamed by the caller). Rejects with an agents API error, or
 * with the caller's own abort when `signal` fired.
 */
export async function providerFetch(
  provider: string,
  url: string,
  init: RequestInit & { timeoutMs: number; signal: AbortSignal },
): Promise<Response> {
  const { timeoutMs, signal, ...rest } = init;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  try {
    const res = await fetch(url, { ...rest, signal: AbortSignal.any([signal, timeout.signal]) });
    if (!res.ok) throw await statusError(provider, res);
    return res;
  } catch (err) {
    if (signal.aborted) throw err;
    if (timeout.signal.aborted) {
      throw new APITimeoutError({ message: `${provider} did not answer within ${timeoutMs} ms` });
    }
    if (err instanceof APIStatusError) throw err;
    throw new APIConnectionError({ message: `${provider} request failed: ${(err as Error).message}` });
  } finally {
    clearTimeout(timer);
  }
}
