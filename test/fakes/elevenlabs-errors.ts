/**
 * The fake ElevenLabs server's error answers, in ElevenLabs' envelope
 * `{"detail": {"status": <code>, "message": …}}` (FastAPI's `{"detail": [...]}` for a 422).
 */
import { STATUS_CODES } from 'node:http';

/** An error response: HTTP status and JSON body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

/** An error in ElevenLabs’ `detail` envelope. */
export const detail = (status: number, code: string, message: string) =>
  new ApiError(status, { detail: { status: code, message } });

/** The error ElevenLabs answers with `status` (what `failNext` injects). */
export function faultError(status: number): ApiError {
  switch (status) {
    case 401:
      return detail(401, 'invalid_api_key', 'Invalid API key');
    case 403:
      return detail(
        403,
        'only_for_creator+',
        'This feature is only available on the Creator tier and above.',
      );
    case 429:
      return detail(
        429,
        'too_many_concurrent_requests',
        'Too many concurrent requests. Your current subscription is associated with a maximum of 2 concurrent requests.',
      );
    default:
      return status >= 500
        ? detail(status, 'internal_server_error', 'An internal server error occurred. Please try again.')
        : detail(status, 'invalid_request', STATUS_CODES[status] ?? 'Request failed');
  }
}
