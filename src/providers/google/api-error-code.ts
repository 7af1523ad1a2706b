/**
 * Gives `@google/genai`'s `ApiError` the `code` the LLM of `@livekit/agents-plugin-google` 1.9
 * reads.
 *
 * The plugin classifies a failed request by `err.code`, but the SDK's `ApiError` carries the HTTP
 * status in `status`. Without this every rejection (a bad key, a bad request, a rate limit) falls
 * through to a retryable connection error: a wrong key is retried three times and never reported
 * as a client error. With it, 4xx become non-retryable `APIStatusError`s, 429 and 5xx retryable
 * ones, as the plugin intends. Remove when the plugin reads `status`.
 */
import { ApiError } from '@google/genai';

/** Installs the alias once per process (idempotent; leaves a real `code` alone). */
export function installApiErrorCodeAlias(): void {
  const proto = ApiError.prototype as ApiError & { code?: number };
  if ('code' in proto) return;
  Object.defineProperty(proto, 'code', {
    configurable: true,
    get(this: ApiError) {
      return this.status;
    },
  });
}
