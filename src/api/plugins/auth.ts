import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateApiKey } from '../../domain/api-keys/authenticate.ts';
import { hasScope, type Ctx, type Scope } from '../../domain/context.ts';
import { DomainError } from '../../domain/errors.ts';
import type { ApiDeps } from '../deps.ts';
import { RateLimiter } from './rate-limit.ts';

declare module 'fastify' {
  interface FastifyRequest {
    ctx?: Ctx;
  }
  interface FastifyContextConfig {
    /** The scope the route needs; routes without one are public. */
    scope?: Scope;
  }
}

/** The caller's context, set by the auth hook on every scoped route. */
export function ctxOf(request: FastifyRequest): Ctx {
  if (!request.ctx) throw new Error('route has no scope configured but reads the caller context');
  return request.ctx;
}

/**
 * Authenticates scoped routes before their input is validated (so 401/403 come before 400), then
 * applies the organization's rate limit and sets the X-RateLimit-* headers.
 */
export function registerAuth(app: FastifyInstance, deps: ApiDeps) {
  const limiter = new RateLimiter(deps.rateLimit.max, deps.rateLimit.windowSeconds);
  app.addHook('onRequest', async (request, reply) => {
    const scope = request.routeOptions.config.scope;
    if (!scope) return;
    const raw = request.headers['x-api-key'];
    const principal = await authenticateApiKey(deps.database.db, Array.isArray(raw) ? raw[0] : raw);
    const verdict = limiter.hit(principal.orgId);
    reply.header('X-RateLimit-Limit', verdict.limit);
    reply.header('X-RateLimit-Remaining', verdict.remaining);
    reply.header('X-RateLimit-Reset', verdict.resetEpochSeconds);
    if (!verdict.allowed) {
      reply.header('Retry-After', verdict.retryAfterSeconds);
      throw new DomainError('RATE_LIMITED', `Rate limit exceeded; retry in ${verdict.retryAfterSeconds} s.`);
    }
    if (!hasScope(principal.scopes, scope)) {
      throw new DomainError('FORBIDDEN', `This API key lacks the '${scope}' scope.`);
    }
    request.ctx = {
      db: deps.database.db,
      orgId: principal.orgId,
      scopes: principal.scopes,
      keyId: principal.keyId,
    };
  });
}
