/** Configuration of the deterministic rules responder. */
import { z } from 'zod';

function isValidRegex(source: string): boolean {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}

/** One intent: how to recognise it and what to answer. */
export const rulesIntentSchema = z
  .object({
    /** Identifier, reported by {@link matchIntent}. */
    name: z.string().min(1),
    /** Typical user phrasings, matched by word overlap. */
    examples: z.array(z.string().min(1)).default([]),
    /** Regular expression sources, matched case-insensitively before any example. */
    patterns: z
      .array(
        z
          .string()
          .min(1)
          .refine(isValidRegex, { message: 'not a valid regular expression (JavaScript syntax)' }),
      )
      .default([]),
    /** The answer; `{name}` placeholders are filled from the pattern's named groups `(?<name>…)`. */
    reply: z.string().min(1),
  })
  .refine((intent) => intent.examples.length > 0 || intent.patterns.length > 0, {
    message: 'an intent needs at least one example or pattern',
  });

/** The whole rules configuration stored with an agent. */
export const rulesConfigSchema = z.object({
  /** Intents in priority order: on equal scores the earlier intent wins. */
  intents: z.array(rulesIntentSchema),
  /** Said when no intent matches. */
  fallbackReply: z.string().min(1),
  /** Opening line when the agent speaks first. */
  greeting: z.string().min(1).optional(),
  /** Minimum example overlap score (0–1) for an example match; default 0.5. */
  matchThreshold: z.number().min(0).max(1).default(0.5),
});

/** Parsed rules configuration. */
export type RulesConfig = z.output<typeof rulesConfigSchema>;

/** Rules configuration as written by a user (defaults optional). */
export type RulesConfigInput = z.input<typeof rulesConfigSchema>;

/** One parsed intent. */
export type RulesIntent = RulesConfig['intents'][number];
