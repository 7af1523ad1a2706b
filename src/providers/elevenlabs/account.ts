/**
 * ElevenLabs account calls: checking a key when an organization stores it, and reading the
 * account's voice library (premade, cloned, designed and professional voices) for the catalog.
 */
import {
  accountFetch,
  ProviderAccountError,
  type ProviderAccount,
  type ProviderCredentials,
} from '../types.ts';
import { elevenlabsOrigin } from './base-url.ts';
import { toCatalogVoices } from './voices.ts';

const PROVIDER = 'elevenlabs';
/** The largest page `GET /v2/voices` serves. */
const PAGE_SIZE = 100;
/** Pages read at most (10,000 voices); a library beyond that is listed in part. */
const MAX_PAGES = 100;

const headersOf = (credentials: ProviderCredentials) => ({
  'xi-api-key': credentials.apiKey,
  accept: 'application/json',
});

async function json(res: Response, what: string): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    throw new ProviderAccountError(
      PROVIDER,
      'protocol',
      `ElevenLabs answered ${what} with something other than JSON`,
    );
  }
}

interface VoicesPage {
  voices: unknown[];
  has_more?: boolean;
  next_page_token?: string | null;
}

const isVoicesPage = (body: unknown): body is VoicesPage =>
  typeof body === 'object' && body !== null && Array.isArray((body as VoicesPage).voices);

/** ElevenLabs, as {@link ProviderAccount}. */
export const elevenlabsAccount: ProviderAccount = {
  /**
   * `GET /v1/user`. ElevenLabs API keys can be limited to some permissions; a key without
   * `user_read` gets 401 `missing_permissions` here although ElevenLabs recognised it, so that
   * answer counts as accepted (an invalid key gets `invalid_api_key`).
   */
  async verify(credentials, signal) {
    try {
      await accountFetch(PROVIDER, `${elevenlabsOrigin(credentials)}/v1/user`, {
        headers: headersOf(credentials),
        signal,
      });
    } catch (err) {
      if (
        err instanceof ProviderAccountError &&
        err.kind === 'rejected' &&
        err.message.includes('missing_permissions')
      ) {
        return;
      }
      throw err;
    }
  },

  /**
   * Every voice of the account, from `GET /v2/voices` (ElevenLabs marks `GET /v1/voices`
   * deprecated), 100 a page, following `next_page_token` while `has_more`.
   */
  async listVoices(credentials, signal) {
    const voices: unknown[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const url = new URL(`${elevenlabsOrigin(credentials)}/v2/voices`);
      url.searchParams.set('page_size', String(PAGE_SIZE));
      url.searchParams.set('include_total_count', 'false');
      if (token) url.searchParams.set('next_page_token', token);
      const res = await accountFetch(PROVIDER, url.href, { headers: headersOf(credentials), signal });
      const body = await json(res, 'GET /v2/voices');
      if (!isVoicesPage(body)) {
        throw new ProviderAccountError(
          PROVIDER,
          'protocol',
          'ElevenLabs answered GET /v2/voices without a voices list',
        );
      }
      voices.push(...body.voices);
      if (!body.has_more || !body.next_page_token) break;
      token = body.next_page_token;
    }
    return toCatalogVoices(voices);
  },
};
