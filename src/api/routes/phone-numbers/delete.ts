import { z } from 'zod';
import { deletePhoneNumber } from '../../../domain/phone-numbers/delete.ts';
import type { App } from '../../app-types.ts';
import { ctxOf } from '../../plugins/auth.ts';
import { errorResponses, idParam } from '../../schemas.ts';

export function register(app: App) {
  app.delete('/v1/chat/phone-numbers/:id', {
    config: { scope: 'phone-numbers:write' },
    schema: {
      tags: ['Phone numbers'],
      summary: 'Delete a phone number',
      params: idParam,
      response: { 204: z.null().describe('Deleted'), ...errorResponses },
    },
    handler: async (req, reply) => {
      await deletePhoneNumber({ ctx: ctxOf(req), input: { id: req.params.id } });
      return reply.code(204).send(null);
    },
  });
}
