/** The account calls Parley makes with an organization's Cartesia key: checking it, listing voices. */
import { z } from 'zod';
import type { CatalogVoice } from '../../catalog/index.ts';
import {
  accountFetch,
  baseUrlOf,
  ProviderAccountError,
  type ProviderAccount,
  type ProviderCredentials,
} from '../types.ts';
import { cartesiaHeaders, httpUrl } from './endpoints.ts';
import { CARTESIA_API_VERSION, CARTESIA_BASE_URL } from './options.ts';
import { cartesiaVoiceSchema, toCatalogVoice } from './voice-mapping.ts';

const PROVIDER = 'cartesia';
/** Cartesia's largest page. */
const PAGE_SIZE = 100;
/** A bound on the pages read, so a server that always says `has_more` cannot loop us forever. */
const MAX_PAGES = 50;

const voicePageSchema = z.object({
  data: z.array(cartesiaVoiceSchema),
  has_more: z.boolean(),
  /** Deprecated by Cartesia in favour of the last voice's id; read when that is missing. */
  next_page: z.string().nullish(),
});

async function voicesPage(
  credentials: ProviderCredentials,
  query: Record<string, string | number | undefined>,
  signal?: AbortSignal,
): Promise<z.infer<typeof voicePageSchema>> {
  const url = httpUrl(baseUrlOf(credentials, CARTESIA_BASE_URL), '/voices', query);
  const res = await accountFetch(PROVIDER, url, {
    headers: cartesiaHeaders(credentials.apiKey, CARTESIA_API_VERSION),
    signal,
  });
  const parsed = voicePageSchema.safeParse(await res.json().catch(() => undefined));
  if (!parsed.success) {
    throw new ProviderAccountError(
      PROVIDER,
      'protocol',
      'Cartesia answered GET /voices with an unexpected body',
    );
  }
  return parsed.data;
}

/**
 * Cartesia: `verify` reads one voice (`GET /voices?limit=1`, free, needs a valid key);
 * `listVoices` reads every voice the key can use, Cartesia's library and the account's own,
 * following `has_more` with `starting_after` (the last id of the previous page).
 */
export const cartesiaAccount: ProviderAccount = {
  async verify(credentials, signal) {
    await voicesPage(credentials, { limit: 1 }, signal);
  },

  async listVoices(credentials, signal): Promise<CatalogVoice[]> {
    const voices = new Map<string, CatalogVoice>();
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = await voicesPage(credentials, { limit: PAGE_SIZE, starting_after: after }, signal);
      for (const voice of body.data) {
        if (!voices.has(voice.id)) voices.set(voice.id, toCatalogVoice(voice));
      }
      if (!body.has_more) return [...voices.values()];
      const next = body.data.at(-1)?.id ?? body.next_page ?? undefined;
      if (!next || next === after) {
        throw new ProviderAccountError(
          PROVIDER,
          'protocol',
          'Cartesia said more voices follow but gave no cursor',
        );
      }
      after = next;
    }
    throw new ProviderAccountError(
      PROVIDER,
      'protocol',
      `Cartesia listed more than ${MAX_PAGES} pages of voices`,
    );
  },
};
