import type { Socket } from 'node:net';
import type { ConnectionError, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { DomainError, type ErrorCode, type FieldIssue } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';

/** Sends the contract's error envelope. */
export function sendError(
  reply: FastifyReply,
  request: FastifyRequest,
  code: ErrorCode,
  status: number,
  message: string,
  details?: FieldIssue[],
) {
  return reply.code(status).send({
    error: { code, message, status, ...(details ? { details } : {}) },
    meta: { requestId: request.id, timestamp: new Date().toISOString() },
  });
}

/** The generic 500: never the error's own message, which may carry internals. */
function sendInternalError(reply: FastifyReply, request: FastifyRequest) {
  return sendError(
    reply,
    request,
    'INTERNAL_ERROR',
    500,
    `An internal error occurred. Quote request id ${request.id} when reporting it.`,
  );
}

const pathOf = (path: PropertyKey[] | string | undefined, prefix?: string) => {
  const p = Array.isArray(path)
    ? path.map(String).join('.')
    : (path ?? '').replace(/^\//, '').replace(/\//g, '.');
  return [prefix, p].filter(Boolean).join('.') || prefix || 'body';
};

function zodIssues(err: ZodError): FieldIssue[] {
  return err.issues.map((i) => ({ field: pathOf(i.path), message: i.message }));
}

/**
 * Errors Fastify raises before routing, where no hook runs (a malformed percent-encoding, an
 * over-long path parameter): the same envelope and request id as every other answer.
 */
export function onFrameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  reply.header('x-request-id', request.id);
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      return sendError(reply, request, 'VALIDATION_ERROR', 400, 'The URL is malformed.');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return sendError(reply, request, 'VALIDATION_ERROR', 400, 'A path parameter is too long.');
  }
  request.log.error({ err }, 'framework error');
  return sendInternalError(reply, request);
}

/**
 * Requests Node's HTTP parser rejects before Fastify sees them (headers or URL over the size limit,
 * broken syntax): answered on the socket with the same envelope and a request id.
 */
export function onClientError(err: ConnectionError, socket: Socket) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const requestId = newId.request();
  const message =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? 'The request headers or URL are too large.'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'The request did not arrive in time.'
        : 'The request is malformed.';
  const body = JSON.stringify({
    error: { code: 'VALIDATION_ERROR', message, status: 400 },
    meta: { requestId, timestamp: new Date().toISOString() },
  });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/** One mapping from every error to the envelope; unknown errors never leak their message. */
export function registerErrorHandling(app: FastifyInstance) {
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      request,
      'NOT_FOUND',
      404,
      `Route ${request.method} ${request.url.split('?')[0]} not found.`,
    ),
  );

  app.setErrorHandler((err: FastifyError | Error, request, reply) => {
    if (err instanceof DomainError)
      return sendError(reply, request, err.code, err.status, err.message, err.details);
    if (err instanceof ZodError)
      return sendError(reply, request, 'VALIDATION_ERROR', 400, 'The request is invalid.', zodIssues(err));
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = (err as FastifyError).validationContext;
      const details = err.validation.map((v) => ({
        field: pathOf(v.instancePath, where === 'body' ? undefined : where),
        message: v.message ?? 'Invalid value.',
      }));
      return sendError(reply, request, 'VALIDATION_ERROR', 400, 'The request is invalid.', details);
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      return sendError(reply, request, 'VALIDATION_ERROR', 400, 'The request is invalid.', [
        { field: String(fe.validationContext ?? 'body'), message: fe.message },
      ]);
    }
    switch (fe.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendError(reply, request, 'VALIDATION_ERROR', 400, 'The body is not valid JSON.');
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(reply, request, 'VALIDATION_ERROR', 400, 'The body is too large.');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendError(reply, request, 'VALIDATION_ERROR', 400, 'Send the body as application/json.');
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return sendError(
          reply,
          request,
          'VALIDATION_ERROR',
          400,
          'The Content-Length does not match the body.',
        );
    }
    if (err instanceof SyntaxError || (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500)) {
      return sendError(reply, request, 'VALIDATION_ERROR', 400, 'The request is malformed.');
    }
    request.log.error({ err }, 'unhandled error');
    return sendInternalError(reply, request);
  });
}
