/** Checking an organization's Deepgram key when it is stored. */
import { accountFetch, ProviderAccountError, type ProviderAccount } from '../types.ts';
import { deepgramOrigins } from './urls.ts';
import { toCatalogVoice, type DeepgramTtsModel } from './voices.ts';

/**
 * `verify`: `GET /v1/projects` (the projects the key can see; any valid key can list them) with
 * `Authorization: Token <key>`. `listVoices`: the Aura-2 voices of `GET /v1/models`, so voices
 * Deepgram adds after this release are listed too.
 */
export const deepgramAccount: ProviderAccount = {
  async verify(credentials, signal) {
    let origin: string;
    try {
      origin = deepgramOrigins(credentials.baseUrl).http;
    } catch (error) {
      throw new ProviderAccountError('deepgram', 'protocol', (error as Error).message);
    }
    const res = await accountFetch('deepgram', `${origin}/v1/projects`, {
      headers: { Authorization: `Token ${credentials.apiKey}`, Accept: 'application/json' },
      signal,
    });
    const body = (await res.json().catch(() => null)) as { projects?: unknown } | null;
    if (!Array.isArray(body?.projects)) {
      throw new ProviderAccountError(
        'deepgram',
        'protocol',
        `deepgram answered GET /v1/projects without a projects list (is ${origin} a Deepgram API?)`,
        res.status,
      );
    }
  },
  async listVoices(credentials, signal) {
    const origin = deepgramOrigins(credentials.baseUrl).http;
    const res = await accountFetch('deepgram', `${origin}/v1/models`, {
      headers: { Authorization: `Token ${credentials.apiKey}`, Accept: 'application/json' },
      signal,
    });
    const body = (await res.json().catch(() => null)) as { tts?: unknown } | null;
    if (!Array.isArray(body?.tts)) {
      throw new ProviderAccountError(
        'deepgram',
        'protocol',
        'deepgram answered GET /v1/models without a tts list',
      );
    }
    return (body.tts as DeepgramTtsModel[]).flatMap((m) => toCatalogVoice(m) ?? []);
  },
};
