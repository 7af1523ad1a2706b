import { deepFreeze } from './freeze.ts';
import { providerId } from './ids.ts';
import type { Capability, CatalogProvider } from './types.ts';

type ProviderSpec = Omit<CatalogProvider, 'id'>;

const specs: ProviderSpec[] = [
  {
    slug: 'local',
    name: 'Parley Local',
    capabilities: ['TTS', 'STT', 'LLM'],
    local: true,
    requiresApiKey: false,
    supportsBaseUrl: false,
  },
  {
    slug: 'openai',
    name: 'OpenAI',
    capabilities: ['TTS', 'STT', 'STS', 'LLM'],
    local: false,
    requiresApiKey: true,
    // Proxies and Azure-style gateways speak the same API at another address.
    supportsBaseUrl: true,
    docsUrl: 'https://platform.openai.com/docs',
  },
  {
    // Any server that implements OpenAI's chat completions API (Ollama, vLLM, LM Studio, llama.cpp,
    // Groq, Together). Its models are whatever that server serves: the catalog lists one model,
    // `custom`, and the agent names the server's model in `llmModelParams.model`. Local servers
    // usually need no key, hence requiresApiKey is false.
    slug: 'openai-compatible',
    name: 'OpenAI-compatible',
    capabilities: ['LLM'],
    local: false,
    requiresApiKey: false,
    supportsBaseUrl: true,
  },
  {
    slug: 'deepgram',
    name: 'Deepgram',
    capabilities: ['TTS', 'STT'],
    local: false,
    requiresApiKey: true,
    // Deepgram can be self-hosted; the organization points Parley at its own deployment.
    supportsBaseUrl: true,
    docsUrl: 'https://developers.deepgram.com/docs',
  },
  {
    slug: 'elevenlabs',
    name: 'ElevenLabs',
    capabilities: ['TTS'],
    local: false,
    requiresApiKey: true,
    // Data-residency accounts use a regional API host.
    supportsBaseUrl: true,
    docsUrl: 'https://elevenlabs.io/docs',
  },
  {
    slug: 'cartesia',
    name: 'Cartesia',
    capabilities: ['TTS'],
    local: false,
    requiresApiKey: true,
    // A proxy or an egress gateway in front of the API.
    supportsBaseUrl: true,
    docsUrl: 'https://docs.cartesia.ai',
  },
  {
    slug: 'google',
    name: 'Google Gemini',
    capabilities: ['STS', 'LLM'],
    local: false,
    requiresApiKey: true,
    // A proxy or an egress gateway in front of the API (REST and the Live websocket).
    supportsBaseUrl: true,
    docsUrl: 'https://ai.google.dev/gemini-api/docs',
  },
  {
    slug: 'anthropic',
    name: 'Anthropic',
    capabilities: ['LLM'],
    local: false,
    requiresApiKey: true,
    // An LLM gateway or proxy in front of the Messages API.
    supportsBaseUrl: true,
    docsUrl: 'https://platform.claude.com/docs',
  },
];

/** Every provider Parley ships support for, in display order. */
export const providers: readonly CatalogProvider[] = deepFreeze(
  specs.map(({ slug, ...rest }) => ({ slug, id: providerId(slug), ...rest })),
);

const bySlug = new Map(providers.map((p) => [p.slug, p]));

/** The provider with this slug, or undefined. */
export function getProvider(slug: string): CatalogProvider | undefined {
  return bySlug.get(slug);
}

/** Whether the provider offers the capability. */
export function hasCapability(provider: CatalogProvider, capability: Capability): boolean {
  return provider.capabilities.includes(capability);
}
