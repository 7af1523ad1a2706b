import { updatePhoneNumberInput } from '../../../domain/phone-numbers/input.ts';
import { updatePhoneNumber } from '../../../domain/phone-numbers/update.ts';
import type { App } from '../../app-types.ts';
import { ctxOf } from '../../plugins/auth.ts';
import { errorResponses, idParam, phoneNumberSchema } from '../../schemas.ts';

export function register(app: App) {
  app.patch('/v1/chat/phone-numbers/:id', {
    config: { scope: 'phone-numbers:write' },
    schema: {
      tags: ['Phone numbers'],
      summary: 'Assign agents to a phone number',
      description: '`agentId` is an alias of `inBoundAgentId`; `null` unassigns.',
      params: idParam,
      body: updatePhoneNumberInput,
      response: { 200: phoneNumberSchema, ...errorResponses },
    },
    handler: (req) => updatePhoneNumber({ ctx: ctxOf(req), input: { id: req.params.id, patch: req.body } }),
  });
}
