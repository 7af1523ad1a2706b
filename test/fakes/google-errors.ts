/**
 * Google's error shapes for the Gemini API fake: the REST error body
 * (`{"error":{"code","message","status","details"}}`, pretty-printed as Google sends it) and the
 * websocket close codes and reasons the Live API uses instead of HTTP statuses.
 */

/** HTTP status → the canonical gRPC status name Google puts in `error.status`. */
export const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** Messages Google answers with for each status when a fault is injected. */
const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'Request contains an invalid argument.',
  401: 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
  403: 'The caller does not have permission',
  404: 'Requested entity was not found.',
  429: 'You exceeded your current quota, please check your plan and billing details.',
  500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  503: 'The model is overloaded. Please try again later.',
  504: 'The request timed out. Please try again.',
};

export const statusName = (status: number) =>
  STATUS_NAMES[status] ?? (status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT');

export const defaultMessage = (status: number) =>
  DEFAULT_MESSAGES[status] ?? (status >= 500 ? DEFAULT_MESSAGES[500]! : DEFAULT_MESSAGES[400]!);

/** A request the fake refuses, with the body Google would send. */
export class GoogleHttpError extends Error {
  constructor(
    readonly status: number,
    message: string = defaultMessage(status),
    readonly details?: Record<string, unknown>[],
  ) {
    super(message);
  }

  /** The JSON body, indented the way Google's front end indents it. */
  body(): string {
    const error: Record<string, unknown> = {
      code: this.status,
      message: this.message,
      status: statusName(this.status),
    };
    if (this.details) error.details = this.details;
    return JSON.stringify({ error }, null, 2) + '\n';
  }
}

const errorInfo = (reason: string) => ({
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
  reason,
  domain: 'googleapis.com',
  metadata: { service: 'generativelanguage.googleapis.com' },
});

/** An unknown key: Google answers 400 INVALID_ARGUMENT with reason API_KEY_INVALID, not 401. */
export const invalidKeyError = () =>
  new GoogleHttpError(400, 'API key not valid. Please pass a valid API key.', [
    errorInfo('API_KEY_INVALID'),
    {
      '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
      locale: 'en-US',
      message: 'API key not valid. Please pass a valid API key.',
    },
  ]);

/** No key at all. */
export const missingKeyError = () =>
  new GoogleHttpError(
    403,
    "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    [errorInfo('CONSUMER_INVALID')],
  );

/** An injected fault (`failNext`); a 429 carries RetryInfo as Google's quota errors do. */
export const faultError = (status: number) =>
  new GoogleHttpError(
    status,
    defaultMessage(status),
    status === 429 ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0s' }] : undefined,
  );

/** `models/x is not found …` as the REST API and the Live API word it. */
export const modelNotFound = (model: string, method: string) =>
  `models/${model} is not found for API version v1beta, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`;

/**
 * How the Live API reports what REST reports with a status: it accepts the upgrade, then closes
 * the socket with a close code and a reason (limited to 123 bytes by RFC 6455).
 */
export function liveClose(status: number): { code: number; reason: string } {
  if (status === 400) return { code: 1007, reason: defaultMessage(400) };
  if (status === 401 || status === 403 || status === 404)
    return { code: 1008, reason: defaultMessage(status) };
  if (status === 429) return { code: 1011, reason: 'You exceeded your current quota.' };
  return { code: 1011, reason: 'Internal error occurred.' };
}

/** A close reason cut to what fits in a close frame. */
export const closeReason = (text: string) => {
  const buf = Buffer.from(text);
  return buf.length <= 123
    ? text
    : buf
        .subarray(0, 123)
        .toString('utf8')
        .replace(/\uFFFD+$/, '');
};
