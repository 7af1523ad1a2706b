import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { validation } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import type { App } from './app-types.ts';
import type { ApiDeps } from './deps.ts';
import { registerAuth } from './plugins/auth.ts';
import { onClientError, onFrameworkError, registerErrorHandling } from './plugins/errors.ts';
import { listenForRevocations } from './plugins/revocations.ts';
import { registerRoutes } from './routes/index.ts';

const BODY_LIMIT_BYTES = 256 * 1024;

/** The path of the first string or key holding U+0000, which PostgreSQL text and jsonb cannot store. */
function findNulCharacter(value: unknown, root: string): string | undefined {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path;
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        const childPath = path ? `${path}.${k}` : k;
        if (k.includes('\u0000')) return childPath;
        stack.push([child, childPath]);
      }
    }
  }
  return undefined;
}

/** Builds the API: routes, auth, rate limits, error envelope, request ids and the OpenAPI docs. */
export async function buildApp(deps: ApiDeps): Promise<App> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger | undefined,
    disableRequestLogging: true,
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: () => newId.request(),
    requestIdHeader: false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    frameworkErrors: onFrameworkError,
    clientErrorHandler: onClientError,
  }).withTypeProvider<ZodTypeProvider>() as App;

  app.setValidatorCompiler(validatorCompiler);
  // Responses are built by the domain serializers; the schemas document them without re-validating.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // After authentication, before validation: a NUL character would otherwise fail in the database (500).
  app.addHook('preValidation', async (request) => {
    const field = findNulCharacter(request.body, '') ?? findNulCharacter(request.query, 'query');
    if (field !== undefined) {
      throw validation('Text must not contain NUL (U+0000) characters.', [
        { field: field.replaceAll('\u0000', '\\u0000') || 'body', message: 'Contains a NUL character.' },
      ]);
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        reqId: request.id,
        method: request.method,
        route: request.routeOptions.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  registerErrorHandling(app);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Parley API',
        version: '0.1.0',
        description:
          'Parley voice-agent platform. Compatible with the agntix Voice API; extensions are marked as such.',
      },
      components: {
        securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
      },
      security: [{ apiKey: [] }],
    },
    transform: (arg) => {
      const out = jsonSchemaTransform(arg);
      const scope = (arg.route.config as { scope?: string } | undefined)?.scope;
      const schema = out.schema as Record<string, unknown>;
      if (!scope) schema.security = [];
      else schema.description = [schema.description, `Scope: \`${scope}\`.`].filter(Boolean).join('\n\n');
      return out;
    },
    // Emits the schemas registered with an id (Agent, Error, …) under components.schemas, which the
    // routes' `$ref`s point to.
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });

  registerAuth(app, deps);
  registerRoutes(app, deps);
  const stopListening = await listenForRevocations(deps.database.pool, (err) =>
    app.log.warn({ err }, 'revocation listener lost its connection'),
  );
  app.addHook('onClose', stopListening);
  return app;
}
