/** The closed set of error codes the API answers with (api-contract.md). */
export type ErrorCode =
  | 'VALIDATION_ERROR'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'PROVIDER_NOT_CONFIGURED'
  | 'AGENT_NOT_VOICE_ENABLED'
  | 'INTERNAL_ERROR'
  | 'SERVICE_UNAVAILABLE';

const statusOf: Record<ErrorCode, number> = {
  VALIDATION_ERROR: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  PROVIDER_NOT_CONFIGURED: 422,
  AGENT_NOT_VOICE_ENABLED: 422,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

/** One field-level validation problem. */
export interface FieldIssue {
  field: string;
  message: string;
}

/** An error a domain verb raises on purpose; its message is safe to show to the caller. */
export class DomainError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldIssue[],
  ) {
    super(message);
    this.status = statusOf[code];
  }
}

export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} not found.`);
export const validation = (message: string, details?: FieldIssue[]) =>
  new DomainError('VALIDATION_ERROR', message, details);
export const conflict = (message: string) => new DomainError('CONFLICT', message);
