import { accountFetch, baseUrlOf, ProviderAccountError, type ProviderAccount } from '../types.ts';
import { GEMINI_BASE_URL } from './base-url.ts';

/**
 * `GET {base}/v1beta/models?pageSize=1` with the key: answers for any valid key and costs nothing.
 * The Gemini API refuses an unknown or expired key with 400 INVALID_ARGUMENT (`API_KEY_INVALID`,
 * `API_KEY_EXPIRED`), not 401, so those count as rejected credentials too.
 */
export const googleAccount: ProviderAccount = {
  async verify(credentials, signal) {
    const url = `${baseUrlOf(credentials, GEMINI_BASE_URL)}/v1beta/models?pageSize=1`;
    try {
      await accountFetch('google', url, { headers: { 'x-goog-api-key': credentials.apiKey }, signal });
    } catch (err) {
      if (err instanceof ProviderAccountError && err.status === 400 && /API[_ ]key/i.test(err.message)) {
        throw new ProviderAccountError('google', 'rejected', err.message, err.status);
      }
      throw err;
    }
  },
};
