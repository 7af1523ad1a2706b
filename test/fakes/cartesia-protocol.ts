/**
 * The rules of the fake Cartesia API that do not depend on its state: Cartesia's error bodies,
 * how a request authenticates (key and `Cartesia-Version`), and what a generation request must
 * carry.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { CartesiaRequestRecord } from './cartesia-context.ts';

/** The versions Cartesia documents. */
export const CARTESIA_VERSIONS = ['2024-06-10', '2024-11-13', '2025-04-16', '2026-03-01'];
/** The PCM rates Cartesia produces. */
export const SAMPLE_RATES = [8000, 16000, 22050, 24000, 44100, 48000];

/** A refused request: its status and the body fields Cartesia answers. */
export class CartesiaHttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

/** Cartesia's error for a refused request with this status (what `failNext` answers). */
export function faultError(status: number): CartesiaHttpError {
  if (status === 401)
    return new CartesiaHttpError(401, 'Unauthorized', 'Invalid API key.', 'invalid_api_key');
  if (status === 402)
    return new CartesiaHttpError(
      402,
      'Payment Required',
      'You have run out of credits.',
      'insufficient_credits',
    );
  if (status === 429)
    return new CartesiaHttpError(
      429,
      'Too many concurrent requests',
      "You have exceeded your plan's concurrency limit.",
      'concurrency_limited',
    );
  if (status >= 500)
    return new CartesiaHttpError(
      status,
      STATUS_CODES[status] ?? 'Server Error',
      'An internal error occurred. Please try again.',
    );
  return new CartesiaHttpError(status, STATUS_CODES[status] ?? 'Error', 'The request was refused.');
}

/** Cartesia's error object (2026-03-01): `error_code`, `title`, `message`, `request_id`. */
export const errorBody = (e: CartesiaHttpError, requestId: string) => ({
  error_code: e.code,
  title: e.title,
  message: e.message,
  request_id: requestId,
});

/** Checks the key (`X-API-Key`, `Authorization: Bearer`, or `?api_key=` on the websocket) and the version. */
export function authenticate(
  req: IncomingMessage,
  url: URL,
  apiKey: string,
  websocket: boolean,
): { via: CartesiaRequestRecord['apiKeyVia']; version: string } {
  const header = req.headers['x-api-key'];
  const bearer = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
  const query = websocket ? url.searchParams.get('api_key') : null;
  const key = (Array.isArray(header) ? header[0] : header) ?? bearer ?? query ?? undefined;
  const via = header ? 'x-api-key' : bearer ? 'bearer' : query ? 'query' : undefined;
  if (!key || key !== apiKey) {
    throw new CartesiaHttpError(
      401,
      'Unauthorized',
      key ? 'Invalid API key.' : 'Missing API key. Send it as X-API-Key or Authorization: Bearer.',
      'invalid_api_key',
    );
  }
  const headerVersion = req.headers['cartesia-version'];
  const version =
    (websocket ? url.searchParams.get('cartesia_version') : null) ??
    (Array.isArray(headerVersion) ? headerVersion[0] : headerVersion);
  if (!version) {
    throw new CartesiaHttpError(
      400,
      'Missing Cartesia-Version',
      'Send a Cartesia-Version header (YYYY-MM-DD).',
    );
  }
  if (!CARTESIA_VERSIONS.includes(version)) {
    throw new CartesiaHttpError(400, 'Invalid Cartesia-Version', `Unknown Cartesia-Version ${version}.`);
  }
  return { via, version };
}

/** Validates a generation request (HTTP body or websocket message); throws Cartesia's 400 (404 for an unknown voice). */
export function validateGeneration(
  body: Record<string, any>,
  knownVoices: ReadonlySet<string>,
  websocket: boolean,
): void {
  const bad = (message: string) => new CartesiaHttpError(400, 'Invalid request', message, 'invalid_request');
  if (websocket && (typeof body.context_id !== 'string' || !body.context_id))
    throw bad('context_id is required.');
  if (typeof body.model_id !== 'string' || !/^sonic/.test(body.model_id)) {
    throw new CartesiaHttpError(
      400,
      'Invalid model',
      `The model ${String(body.model_id)} is not valid.`,
      'invalid_model',
    );
  }
  if (typeof body.transcript !== 'string') throw bad('transcript is required.');
  if (body.voice?.mode !== 'id' || typeof body.voice.id !== 'string')
    throw bad('voice must be {mode: "id", id}.');
  if (!knownVoices.has(body.voice.id)) {
    throw new CartesiaHttpError(
      404,
      'Voice not found',
      `No voice with id ${body.voice.id}.`,
      'voice_not_found',
    );
  }
  const format = body.output_format;
  if (format?.container !== 'raw' || format.encoding !== 'pcm_s16le') {
    throw bad('This fake serves output_format {container: "raw", encoding: "pcm_s16le"} only.');
  }
  if (!SAMPLE_RATES.includes(format.sample_rate))
    throw bad(`Unsupported sample_rate ${String(format.sample_rate)}.`);
  if (
    body.language !== undefined &&
    (typeof body.language !== 'string' || !/^[a-z]{2}$/.test(body.language))
  ) {
    throw bad(`Unsupported language ${String(body.language)}.`);
  }
}
