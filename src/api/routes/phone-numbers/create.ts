import { createPhoneNumber } from '../../../domain/phone-numbers/create.ts';
import { createPhoneNumberInput } from '../../../domain/phone-numbers/input.ts';
import type { App } from '../../app-types.ts';
import { ctxOf } from '../../plugins/auth.ts';
import { errorEnvelope, errorResponses, phoneNumberSchema } from '../../schemas.ts';

export function register(app: App) {
  app.post('/v1/chat/phone-numbers', {
    config: { scope: 'phone-numbers:write' },
    schema: {
      tags: ['Phone numbers'],
      summary: 'Register a phone number',
      body: createPhoneNumberInput,
      response: { 201: phoneNumberSchema, 409: errorEnvelope, ...errorResponses },
    },
    handler: async (req, reply) =>
      reply.code(201).send(await createPhoneNumber({ ctx: ctxOf(req), input: req.body })),
  });
}
