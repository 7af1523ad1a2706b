/** Checking an organization's Deepgram key when it is stored. */
import { accountFetch, ProviderAccountError, type ProviderAccount } from '../types.ts';
import { deepgramOrigins } from './urls.ts';

/**
 * `verify`: `GET /v1/projects` (the projects the key can see; any valid key can list them) with
 * `Authorization: Token <key>`. Deepgram's voices are a fixed catalog, so there is no `listVoices`.
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
};
