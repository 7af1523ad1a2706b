/** Checking an organization's Anthropic key when it is stored. */
import { accountFetch, type ProviderAccount } from '../types.ts';
import { anthropicHeaders, anthropicUrl } from './endpoint.ts';

/** `GET {origin}/v1/models`: answers for any valid key and costs no tokens. */
export const anthropicAccount: ProviderAccount = {
  async verify(credentials, signal) {
    const res = await accountFetch('anthropic', anthropicUrl(credentials.baseUrl, '/v1/models?limit=1'), {
      headers: anthropicHeaders(credentials.apiKey),
      signal,
    });
    // Drain the body so the connection goes back to the pool.
    await res.arrayBuffer().catch(() => undefined);
  },
};
