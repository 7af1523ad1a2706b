import { z } from 'zod';
import { clampPage } from '../../../domain/pagination.ts';
import { listPhoneNumbers } from '../../../domain/phone-numbers/list.ts';
import type { App } from '../../app-types.ts';
import { ctxOf } from '../../plugins/auth.ts';
import { errorResponses, pageQuery, paginationShape, phoneNumberSchema } from '../../schemas.ts';

export function register(app: App) {
  app.get('/v1/chat/phone-numbers', {
    config: { scope: 'phone-numbers:read' },
    schema: {
      tags: ['Phone numbers'],
      summary: 'List phone numbers',
      querystring: z.object(pageQuery),
      response: {
        200: z.object({ data: z.array(phoneNumberSchema), pagination: paginationShape }),
        ...errorResponses,
      },
    },
    handler: (req) => listPhoneNumbers({ ctx: ctxOf(req), input: clampPage(req.query) }),
  });
}
