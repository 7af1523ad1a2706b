/**
 * Per-number SIP settings, kept in `phone_numbers.sip_config` (jsonb): digest credentials for the
 * trunk that delivers the number (HA1 only, never the password), extra trusted source ranges, a
 * concurrency limit and a ring time before answering.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { phoneNumbers } from '../db/schema.ts';
import { digestHa1 } from './digest.ts';
import { parseCidr } from './trust.ts';

/** The realm used when credentials are set without one. */
export const DEFAULT_REALM = 'parley';

export const numberSipConfig = z.object({
  auth: z
    .object({
      username: z.string().min(1),
      realm: z.string().min(1),
      ha1: z.string().regex(/^[0-9a-f]{32}$/),
    })
    .optional(),
  trustedCidrs: z
    .array(
      z.string().refine((s) => {
        try {
          parseCidr(s);
          return true;
        } catch {
          return false;
        }
      }, 'not a CIDR'),
    )
    .optional(),
  maxConcurrentCalls: z.number().int().min(1).optional(),
  answerDelayMs: z.number().int().min(0).max(60_000).optional(),
});

/** Parsed `sip_config` of one number. */
export type NumberSipConfig = z.infer<typeof numberSipConfig>;

/** Reads a stored config; an invalid one counts as empty (and is reported through `onInvalid`). */
export function readNumberSipConfig(raw: unknown, onInvalid?: (err: z.ZodError) => void): NumberSipConfig {
  if (raw === null || raw === undefined) return {};
  const parsed = numberSipConfig.safeParse(raw);
  if (parsed.success) return parsed.data;
  onInvalid?.(parsed.error);
  return {};
}

/** What an operator sets with `parley sip config`. */
export interface NumberSipSettings {
  username?: string;
  password?: string;
  realm?: string;
  clearAuth?: boolean;
  trustedCidrs?: string[];
  maxConcurrentCalls?: number | null;
  answerDelayMs?: number | null;
}

/**
 * Updates the SIP settings of a registered number in one transaction (the number is the
 * deployment-wide key). Returns the stored config, or undefined when the number is unknown.
 */
export async function updateNumberSipConfig(
  db: Db,
  number: string,
  settings: NumberSipSettings,
): Promise<NumberSipConfig | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(phoneNumbers).where(eq(phoneNumbers.number, number)).for('update');
    if (!row) return undefined;
    const next: NumberSipConfig = { ...readNumberSipConfig(row.sipConfig) };
    if (settings.clearAuth) delete next.auth;
    if (settings.username !== undefined || settings.password !== undefined) {
      if (!settings.username || !settings.password) throw new Error('username and password go together');
      const realm = settings.realm ?? DEFAULT_REALM;
      next.auth = {
        username: settings.username,
        realm,
        ha1: digestHa1(settings.username, realm, settings.password),
      };
    }
    if (settings.trustedCidrs) next.trustedCidrs = settings.trustedCidrs;
    if (settings.maxConcurrentCalls === null) delete next.maxConcurrentCalls;
    else if (settings.maxConcurrentCalls !== undefined) next.maxConcurrentCalls = settings.maxConcurrentCalls;
    if (settings.answerDelayMs === null) delete next.answerDelayMs;
    else if (settings.answerDelayMs !== undefined) next.answerDelayMs = settings.answerDelayMs;
    const stored = numberSipConfig.parse(next);
    await tx.update(phoneNumbers).set({ sipConfig: stored }).where(eq(phoneNumbers.id, row.id));
    return stored;
  });
}
