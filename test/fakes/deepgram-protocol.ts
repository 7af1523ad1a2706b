/**
 * Deepgram wire details the fake's routes share: error bodies, query validation, and how a
 * transcript is written as a Deepgram alternative.
 */
import { STATUS_CODES } from 'node:http';
import { randomUUID } from 'node:crypto';

/** Deepgram's error codes by status, as its API answers them. */
const ERRORS: Record<number, [code: string, message: string]> = {
  400: ['Bad Request', 'Bad request.'],
  401: ['INVALID_AUTH', 'Invalid credentials.'],
  402: ['ASR_PAYMENT_REQUIRED', 'Project does not have enough credits for an ASR request.'],
  403: ['INSUFFICIENT_PERMISSIONS', 'You do not have permission to access this resource.'],
  404: ['NOT_FOUND', 'Not found.'],
  405: ['METHOD_NOT_ALLOWED', 'Method not allowed.'],
  408: ['REQUEST_TIMEOUT', 'Request timed out.'],
  429: ['TOO_MANY_REQUESTS', 'Too many requests. Please try again later.'],
  500: ['INTERNAL_SERVER_ERROR', 'Internal server error.'],
  502: ['BAD_GATEWAY', 'Bad gateway.'],
  503: ['SERVICE_UNAVAILABLE', 'Service unavailable.'],
};

/** A refusal: status, Deepgram's body and headers. */
export class DeepgramHttpError extends Error {
  readonly requestId = randomUUID();
  constructor(
    readonly status: number,
    message?: string,
    readonly code = ERRORS[status]?.[0] ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'Bad Request'),
  ) {
    super(message ?? ERRORS[status]?.[1] ?? STATUS_CODES[status] ?? 'Error');
  }

  get body(): string {
    return JSON.stringify({ err_code: this.code, err_msg: this.message, request_id: this.requestId });
  }

  get headers(): Record<string, string> {
    return {
      'content-type': 'application/json',
      'dg-request-id': this.requestId,
      'dg-error': this.message,
      ...(this.status === 429 ? { 'retry-after': '0' } : {}),
    };
  }
}

/** The model uuid the fake reports in metadata. */
export const FAKE_MODEL_UUID = '1f7c4b2e-6f0a-4d8e-9a51-3c2b7d9e0f11';

/** Whether a boolean query parameter is `true`. */
export function isOn(query: Record<string, string[]>, key: string): boolean {
  return query[key]?.[0] === 'true';
}

/** Refuses models Deepgram would not know for `/v1/listen`. */
export function checkListenModel(model: string): void {
  if (!/^(nova|enhanced|base|whisper|general|phonecall|meeting)/.test(model)) {
    throw new DeepgramHttpError(400, 'No such model/language/tier combination found.');
  }
}

/** The speak query, validated as Deepgram would (the fake only produces linear16). */
export function speakQuery(
  query: Record<string, string[]>,
  kind: 'rest' | 'ws',
): { model: string; sampleRate: number; container: 'none' | 'wav' } {
  const model = query.model?.[0] ?? 'aura-asteria-en';
  if (!model.startsWith('aura-')) {
    throw new DeepgramHttpError(400, 'No such model/version combination found.', 'INVALID_QUERY_PARAMETER');
  }
  const encoding = query.encoding?.[0] ?? (kind === 'ws' ? 'linear16' : 'mp3');
  if (encoding !== 'linear16') {
    throw new DeepgramHttpError(
      400,
      `The fake serves encoding=linear16 only, not ${encoding}.`,
      'UNSUPPORTED_AUDIO_FORMAT',
    );
  }
  const sampleRate = Number(query.sample_rate?.[0] ?? 24_000);
  if (![8000, 16000, 24000, 32000, 48000].includes(sampleRate)) {
    throw new DeepgramHttpError(
      400,
      `Unsupported sample_rate ${sampleRate} for linear16.`,
      'INVALID_QUERY_PARAMETER',
    );
  }
  const container = query.container?.[0] ?? 'wav';
  if (container !== 'none' && container !== 'wav') {
    throw new DeepgramHttpError(
      400,
      `Unsupported container ${container} for linear16.`,
      'INVALID_QUERY_PARAMETER',
    );
  }
  return { model, sampleRate, container: kind === 'ws' ? 'none' : container };
}

/**
 * One alternative as Deepgram writes it: the transcript (capitalized and with a final period when
 * punctuation is on) and its words spread evenly over `[start, end]` seconds.
 */
export function alternative(text: string, start: number, end: number, punctuate: boolean, final = true) {
  const words = text.split(/\s+/).filter(Boolean);
  const step = words.length ? (end - start) / words.length : 0;
  const punctuated = words.map((w, i) => {
    let p = i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w;
    if (final && i === words.length - 1 && !/[.!?]$/.test(p)) p += '.';
    return p;
  });
  return {
    transcript: punctuate ? punctuated.join(' ') : words.join(' '),
    confidence: words.length ? 0.98 : 0,
    words: words.map((w, i) => ({
      word: w.toLowerCase().replace(/[^\p{L}\p{N}']/gu, ''),
      start: round(start + i * step),
      end: round(start + (i + 1) * step),
      confidence: 0.98,
      punctuated_word: punctuated[i]!,
    })),
  };
}

const round = (s: number) => Math.round(s * 1000) / 1000;
