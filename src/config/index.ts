import { z } from 'zod';
import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** The environment Parley reads. Every entry point parses it once with {@link loadConfig}. */
export const envSchema = z.object({
  PORT: port(3000),
  HOST: z.string().default('0.0.0.0'),
  PARLEY_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: optionalString,
  LIVEKIT_URL: optionalString,
  LIVEKIT_API_KEY: optionalString,
  LIVEKIT_API_SECRET: optionalString,
  MEDIA_PORT: port(7880),
  MEDIA_HOST: z.string().default('0.0.0.0'),
  PARLEY_PUBLIC_HOST: optionalString,
  SIP_PORT: port(5060),
  SIP_TRUSTED_CIDRS: z.string().default('127.0.0.0/8,::1/128'),
  SIP_HOST: z.string().default('0.0.0.0').describe('Address the SIP gateway binds (UDP and TCP).'),
  SIP_MAX_CALLS: z.coerce
    .number()
    .int()
    .min(1)
    .default(100)
    .describe('Concurrent calls per gateway; more get 486.'),
  SIP_RTP_PORT_MIN: port(0).describe('Lowest RTP port (0 with SIP_RTP_PORT_MAX 0: any free port).'),
  SIP_RTP_PORT_MAX: port(0),
  SIP_RTP_TIMEOUT_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  SIP_DEFAULT_COUNTRY_CODE: z
    .string()
    .regex(/^[1-9]\d{0,2}$/, 'digits of a country calling code, such as 1 or 44')
    .default('1'),
  PARLEY_SECRET_KEY: optionalString,
  SESSION_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(600),
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(6000),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  START_WORKER: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1')
    .describe('Whether `parley start` runs the agent worker in-process.'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

/** Parsed configuration with defaults resolved. */
export interface Config extends Env {
  dataDir: string;
  publicHost: string;
}

/** Raised when the environment is invalid; the message says how to fix it. */
export class ConfigError extends Error {}

/** Parses the environment once; call it in each entry point, never at module load. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}\nFix these variables and start again.`);
  }
  const e = parsed.data;
  if (e.LIVEKIT_URL && (!e.LIVEKIT_API_KEY || !e.LIVEKIT_API_SECRET)) {
    throw new ConfigError(
      'LIVEKIT_URL is set but LIVEKIT_API_KEY or LIVEKIT_API_SECRET is missing. Set both (the key pair of your LiveKit deployment), or unset LIVEKIT_URL to use the embedded media server.',
    );
  }
  if (e.PARLEY_SECRET_KEY && !/^[0-9a-fA-F]{64}$/.test(e.PARLEY_SECRET_KEY)) {
    throw new ConfigError(
      'PARLEY_SECRET_KEY must be 64 hex characters (32 bytes). Generate one with: openssl rand -hex 32',
    );
  }
  return {
    ...e,
    dataDir: resolve(e.PARLEY_DATA_DIR),
    publicHost: e.PARLEY_PUBLIC_HOST ?? firstNonLoopbackAddress(),
  };
}

/** The first non-internal IPv4 address; WebRTC stacks ignore loopback for media. */
export function firstNonLoopbackAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (a.family === 'IPv4' && !a.internal) return a.address;
    }
  }
  return '127.0.0.1';
}
