import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { App } from '../../app-types.ts';
import type { ApiDeps } from '../../deps.ts';

export function register(app: App, deps: ApiDeps) {
  app.get('/healthz', {
    schema: {
      tags: ['System'],
      summary: 'Health of the API and the components it depends on',
      response: {
        200: z.object({ status: z.enum(['ok', 'degraded']), database: z.string() }).catchall(z.unknown()),
        503: z.object({ status: z.literal('unavailable'), database: z.string() }).catchall(z.unknown()),
      },
    },
    handler: async (_req, reply) => {
      let database = 'ok';
      try {
        await deps.database.db.execute(sql`select 1`);
      } catch {
        database = 'unreachable';
      }
      const components = (await deps.health?.().catch(() => ({ components: 'unknown' }))) ?? {};
      if (database !== 'ok')
        return reply.code(503).send({ ...components, status: 'unavailable' as const, database });
      const degraded = Object.values(components).some(
        (v) => v !== 'ok' && v !== 'external' && v !== 'disabled',
      );
      return {
        ...components,
        status: degraded ? ('degraded' as const) : ('ok' as const),
        database: `ok (${deps.database.mode})`,
      };
    },
  });
}
