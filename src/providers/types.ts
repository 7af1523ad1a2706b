/**
 * The contract every provider folder implements: factories that build `@livekit/agents` objects
 * for catalog models, and the account checks the API runs with an organization's credentials.
 */
import type { llm, stt, tts } from '@livekit/agents';
import type { CatalogModel, CatalogVoice, ModelType } from '../catalog/index.ts';
import type { ProviderCredentials } from '../domain/providers/credentials.ts';

export type { ProviderCredentials };

/** What a factory gets: the model, the agent's parameters for it, and the org's credentials. */
export interface FactoryInput {
  model: CatalogModel;
  /** The agent's `ttsModelParams`, `sttModelParams`, `stsModelParams` or `llmModelParams`. */
  params: Record<string, unknown>;
  /** The agent's language (BCP-47), if set. */
  language?: string;
  /** Phrases the agent expects to hear (key terms, rule examples), for recognizers that can use them. */
  expectedPhrases: string[];
  /** Decrypted credentials; undefined for local providers. */
  credentials?: ProviderCredentials;
  /**
   * Silence (ms) after which the agent ends the caller's turn, when known: a recognizer that
   * finalizes on silence should have its final transcript ready by then.
   */
  turnSilenceMs?: number;
}

/** The built provider objects, by capability. */
export interface Built {
  STT: stt.STT;
  TTS: tts.TTS;
  LLM: llm.LLM;
  STS: llm.RealtimeModel;
}

/** One factory per capability a provider offers. */
export type Factories = { [T in ModelType]?: (input: FactoryInput) => Built[T] };

/**
 * Calls the API makes with an organization's credentials, outside any call: checking a key when it
 * is stored, and reading the account's own voices for providers with live catalogs. Both reject
 * with a {@link ProviderAccountError}.
 */
export interface ProviderAccount {
  /** One cheap authenticated request; resolves when the provider accepts the credentials. */
  verify(credentials: ProviderCredentials, signal?: AbortSignal): Promise<void>;
  /** The account's voices from the provider's voice-listing API, as catalog voices. */
  listVoices?(credentials: ProviderCredentials, signal?: AbortSignal): Promise<CatalogVoice[]>;
}

/** Why an account call failed. */
export type ProviderAccountErrorKind =
  /** The provider refused the credentials (401/403). */
  | 'rejected'
  /** Too many requests (429); try later. */
  | 'rate_limited'
  /** Unreachable, timed out, or a 5xx: the provider's side, not the credentials. */
  | 'unavailable'
  /** The provider answered something Parley cannot read. */
  | 'protocol';

export class ProviderAccountError extends Error {
  override name = 'ProviderAccountError';
  constructor(
    readonly provider: string,
    readonly kind: ProviderAccountErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }

  /** Worth retrying later (rate limits and provider outages), as opposed to bad credentials. */
  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'unavailable';
  }
}

/**
 * `fetch` for account calls: `timeoutMs` bound (default 5 s), and every failure mapped to a
 * {@link ProviderAccountError}: 401/403 → rejected, 429 → rate_limited, 5xx and network errors →
 * unavailable, other non-2xx → protocol. Resolves with the response of a 2xx.
 */
export async function accountFetch(
  provider: string,
  url: string,
  init: RequestInit & { timeoutMs?: number } = {},
): Promise<Response> {
  const { timeoutMs = 5_000, signal, ...rest } = init;
  const timeout = AbortSignal.timeout(timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, { ...rest, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (err) {
    const reason = timeout.aborted ? `no answer within ${timeoutMs} ms` : (err as Error).message;
    throw new ProviderAccountError(provider, 'unavailable', `${provider} is unreachable: ${reason}`);
  }
  if (res.ok) return res;
  const body = (await res.text().catch(() => '')).slice(0, 300);
  const detail = `HTTP ${res.status}${body ? `: ${body}` : ''}`;
  if (res.status === 401 || res.status === 403)
    throw new ProviderAccountError(
      provider,
      'rejected',
      `${provider} rejected the credentials (${detail})`,
      res.status,
    );
  if (res.status === 429)
    throw new ProviderAccountError(
      provider,
      'rate_limited',
      `${provider} is rate limiting (${detail})`,
      res.status,
    );
  if (res.status >= 500)
    throw new ProviderAccountError(provider, 'unavailable', `${provider} failed (${detail})`, res.status);
  throw new ProviderAccountError(provider, 'protocol', `${provider} answered ${detail}`, res.status);
}

/** The base URL to use: the organization's `baseUrl` without a trailing slash, or the vendor's. */
export function baseUrlOf(credentials: ProviderCredentials | undefined, fallback: string): string {
  return (credentials?.baseUrl ?? fallback).replace(/\/+$/, '');
}

/** The credentials' API key; throws when the organization stored none. */
export function requireKey(input: Pick<FactoryInput, 'credentials' | 'model'>): string {
  if (!input.credentials?.apiKey) {
    throw new Error(`Provider '${input.model.provider}' has no credentials for this organization.`);
  }
  return input.credentials.apiKey;
}

/** A non-empty string parameter, or undefined. */
export const strParam = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length > 0 ? v : undefined;
/** A finite number parameter, or undefined. */
export const numParam = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
