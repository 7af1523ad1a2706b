/** Settings of {@link CartesiaTTS} and the generation fields Cartesia receives with every request. */
import { z } from 'zod';
import { builtinVoices } from '../../catalog/index.ts';

/** Cartesia's API origin; an organization's `baseUrl` replaces it (a proxy or a regional gateway). */
export const CARTESIA_BASE_URL = 'https://api.cartesia.ai';

/**
 * The `Cartesia-Version` Parley speaks. From this version on Cartesia answers errors as structured
 * JSON (`title`, `message`, `error_code`, `request_id`), which {@link ./errors.ts} reads.
 */
export const CARTESIA_API_VERSION = '2026-03-01';

/** The PCM sample rates Cartesia can produce. */
export const CARTESIA_SAMPLE_RATES = [8000, 16000, 22050, 24000, 44100, 48000] as const;

/** The default output rate: what `AgentSession`'s room output plays, so no resampling is needed. */
export const CARTESIA_DEFAULT_SAMPLE_RATE = 24_000;

/** The catalog's first Cartesia voice: what an agent speaks with when it names none. */
export const DEFAULT_CARTESIA_VOICE: string = builtinVoices.find((v) => v.provider === 'cartesia')!.id;

/** Constructor options of {@link CartesiaTTS}. */
export interface CartesiaTTSOptions {
  apiKey: string;
  /** The API origin, `https://api.cartesia.ai` by default; the websocket URL is derived from it. */
  baseUrl?: string;
  /** Model id, e.g. `sonic-3` (the default), `sonic-2`, `sonic-turbo`. */
  model?: string;
  /** Voice id; default {@link DEFAULT_CARTESIA_VOICE}. */
  voice?: string;
  /** The agent's language (BCP-47); sent as Cartesia's language code. Omitted: the voice's own. */
  language?: string;
  /** Speaking rate, 1 is normal (0.6 – 1.5, Cartesia's `generation_config.speed` range). */
  speed?: number;
  /** Output sample rate in Hz; default 24000. */
  sampleRate?: number;
  /** `Cartesia-Version` header; default {@link CARTESIA_API_VERSION}. */
  apiVersion?: string;
  /** Ask for word timestamps on the websocket (aligned transcripts); default true. */
  wordTimestamps?: boolean;
  /**
   * Cartesia's `max_buffer_delay_ms` (0 – 5000): how long it may wait for more streamed text before
   * speaking what it has. Omitted: Cartesia's default (3000), its "managed buffering".
   */
  maxBufferDelayMs?: number;
  /** Length of the emitted audio frames in milliseconds; default 20. */
  frameMs?: number;
}

const sampleRates = CARTESIA_SAMPLE_RATES.map((r) => z.literal(r)) as unknown as [
  z.ZodLiteral<8000>,
  z.ZodLiteral<16000>,
  z.ZodLiteral<22050>,
  z.ZodLiteral<24000>,
  z.ZodLiteral<44100>,
  z.ZodLiteral<48000>,
];

/** Validation of {@link CartesiaTTSOptions}, with the defaults filled in. */
export const cartesiaOptionsSchema = z.object({
  apiKey: z.string().min(1, 'Cartesia needs an API key.'),
  baseUrl: z
    .string()
    .url()
    .refine((u) => /^https?:$/.test(new URL(u).protocol), 'The Cartesia base URL must be http(s).')
    .default(CARTESIA_BASE_URL),
  model: z.string().min(1).default('sonic-3'),
  voice: z.string().min(1).default(DEFAULT_CARTESIA_VOICE),
  language: z.string().min(1).optional(),
  speed: z.number().min(0.6).max(1.5).optional(),
  sampleRate: z.union(sampleRates).default(CARTESIA_DEFAULT_SAMPLE_RATE),
  apiVersion: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Cartesia-Version is a date, YYYY-MM-DD.')
    .default(CARTESIA_API_VERSION),
  wordTimestamps: z.boolean().default(true),
  maxBufferDelayMs: z.number().int().min(0).max(5000).optional(),
  frameMs: z.number().int().min(10).max(100).default(20),
});

/** Options after validation and defaults, as the streams use them. */
export type ResolvedCartesiaOptions = z.output<typeof cartesiaOptionsSchema>;

/** @throws {z.ZodError} on a missing key, a bad URL or an out-of-range setting */
export function resolveCartesiaOptions(options: CartesiaTTSOptions): ResolvedCartesiaOptions {
  return cartesiaOptionsSchema.parse({
    ...options,
    baseUrl: options.baseUrl?.replace(/\/+$/, '') || undefined,
  });
}

// Cartesia's language codes are ISO 639-1, with a few legacy or macro-language spellings.
const LANGUAGE_ALIASES: Record<string, string> = { nb: 'no', nn: 'no', fil: 'tl', iw: 'he', in: 'id' };

/** Cartesia's language code for a BCP-47 tag (`en-US` → `en`, `nb-NO` → `no`); undefined for none. */
export function cartesiaLanguage(bcp47: string | undefined): string | undefined {
  const primary = bcp47?.trim().split(/[-_]/)[0]?.toLowerCase();
  if (!primary) return undefined;
  return LANGUAGE_ALIASES[primary] ?? primary;
}

// Models before Sonic-3 ignore `generation_config`; they only know the deprecated word speeds.
const LEGACY_MODEL = /^sonic(-english|-multilingual|-2|-turbo)?($|-\d{4}-\d{2}-\d{2}$)/;

/** What every generation request carries besides the transcript (and, on the websocket, the context). */
export interface GenerationFields {
  model_id: string;
  voice: { mode: 'id'; id: string };
  output_format: { container: 'raw'; encoding: 'pcm_s16le'; sample_rate: number };
  language?: string;
  generation_config?: { speed: number };
  speed?: 'slow' | 'fast';
}

/** The fields Cartesia needs for these options (the same for the websocket and `/tts/bytes`). */
export function generationFields(options: ResolvedCartesiaOptions): GenerationFields {
  const fields: GenerationFields = {
    model_id: options.model,
    voice: { mode: 'id', id: options.voice },
    output_format: { container: 'raw', encoding: 'pcm_s16le', sample_rate: options.sampleRate },
  };
  const language = cartesiaLanguage(options.language);
  if (language) fields.language = language;
  const speed = options.speed;
  if (speed !== undefined && speed !== 1) {
    if (!LEGACY_MODEL.test(options.model)) fields.generation_config = { speed };
    else if (speed < 0.9) fields.speed = 'slow';
    else if (speed > 1.1) fields.speed = 'fast';
  }
  return fields;
}
