import { z } from 'zod';

const bcp47 = z
  .string()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'Expected a BCP-47 language tag such as en or en-US.');
const text = (max: number) => z.string().max(max);
const params = z.record(z.string(), z.unknown());

/** `voiceParams`: how the agent greets, listens and how long a call may last. */
export const voiceParamsSchema = z
  .object({
    welcomeText: text(2000).optional(),
    welcomeMode: z.enum(['aiInitiatesStatic', 'aiInitiatesDynamic', 'userInitiatesWait']).optional(),
    welcomePrompt: text(4000).optional(),
    allowInterruptions: z.boolean().optional(),
    minEndpointingDelay: z
      .number()
      .min(0)
      .max(10)
      .optional()
      .describe('Seconds of silence before a turn ends.'),
    endOfTurnDetection: z.enum(['vad', 'stt', 'model']).optional(),
    maxDurationInSeconds: z.number().int().min(10).max(14_400).optional(),
    idleTimeoutInSeconds: z.number().int().min(5).max(3600).optional(),
    hybrid: z.object({ maxFirstAudioMs: z.number().int().min(50).max(30_000).optional() }).optional(),
  })
  .catchall(z.unknown());

/** Fields an agent accepts on create; PATCH accepts any subset. */
export const agentFields = {
  fullName: z.string().trim().min(1).max(200),
  description: z.string().max(2000),
  role: z.string().trim().min(1).max(200),
  language: bcp47.nullish(),
  systemPrompt: text(20_000).nullish(),
  specialInstructions: text(20_000).nullish(),
  modelId: z.uuid().nullish(),
  sttModelId: z.uuid().nullish(),
  ttsModelId: z.uuid().nullish(),
  stsModelId: z.uuid().nullish(),
  ttsModelParams: params.nullish(),
  sttModelParams: params.nullish(),
  stsModelParams: params.nullish(),
  llmModelParams: params
    .nullish()
    .describe('Extension: parameters of the LLM, e.g. the rules of local/rules.'),
  voiceEnabled: z.boolean().optional(),
  voicePipelineMode: z.enum(['pipeline', 'sts', 'hybrid']).nullish(),
  voiceParams: voiceParamsSchema.nullish(),
  welcomeAllowInterruptions: z.boolean().nullish(),
  isActive: z.boolean().optional(),
};

export const createAgentInput = z.strictObject(agentFields);
export const updateAgentInput = z.strictObject(
  Object.fromEntries(Object.entries(agentFields).map(([k, v]) => [k, v.optional()])) as {
    [K in keyof typeof agentFields]: z.ZodOptional<(typeof agentFields)[K]>;
  },
);
export type CreateAgentInput = z.input<typeof createAgentInput>;
export type UpdateAgentInput = z.input<typeof updateAgentInput>;
