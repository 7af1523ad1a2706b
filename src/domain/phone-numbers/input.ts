import { z } from 'zod';

/** E.164: a plus sign and up to 15 digits, no leading zero. */
export const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'Expected an E.164 number such as +15550001234.');

export const createPhoneNumberInput = z.strictObject({
  provider: z.enum(['twilio', 'telnyx', 'sip']),
  number: e164,
  agentId: z.uuid().nullish(),
});

export const updatePhoneNumberInput = z.strictObject({
  inBoundAgentId: z.uuid().nullish(),
  outBoundAgentId: z.uuid().nullish(),
  agentId: z.uuid().nullish().describe('Alias of inBoundAgentId.'),
});
export type CreatePhoneNumberInput = z.input<typeof createPhoneNumberInput>;
export type UpdatePhoneNumberInput = z.input<typeof updatePhoneNumberInput>;
