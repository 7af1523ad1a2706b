import { accountFetch, baseUrlOf, type ProviderAccount } from '../types.ts';
import { OPENAI_BASE_URL } from './factories.ts';

/** `GET {base}/models`: answers for any valid key, costs nothing. */
function modelsAccount(slug: string, fallbackBaseUrl: string): ProviderAccount {
  return {
    async verify(credentials, signal) {
      const headers: Record<string, string> = {};
      if (credentials.apiKey) headers.Authorization = `Bearer ${credentials.apiKey}`;
      await accountFetch(slug, `${baseUrlOf(credentials, fallbackBaseUrl)}/models`, { headers, signal });
    },
  };
}

export const openaiAccount = modelsAccount('openai', OPENAI_BASE_URL);

/** The organization's server must answer `GET {baseUrl}/models`, as Ollama, vLLM and LM Studio do. */
export const openaiCompatibleAccount = modelsAccount('openai-compatible', 'http://localhost:11434/v1');
