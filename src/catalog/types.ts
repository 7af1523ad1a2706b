/** What a model does: speech to text, text to speech, speech to speech (realtime) or text generation. */
export type ModelType = 'TTS' | 'STT' | 'STS' | 'LLM';

/** A capability a provider offers; one per {@link ModelType}. */
export type Capability = ModelType;

/** A voice's gender as its vendor presents it; `neutral` where the vendor does not say. */
export type VoiceGender = 'male' | 'female' | 'neutral';

/** A provider Parley knows how to talk to. Agents name providers by `slug`. */
export interface CatalogProvider {
  /** Stable lowercase identifier, e.g. `elevenlabs`. */
  slug: string;
  /** `pvdr_${slug}`, the id the Voice API shows. */
  id: string;
  /** Display name. */
  name: string;
  /** What the provider can do, in the order TTS, STT, STS, LLM. */
  capabilities: Capability[];
  /** Runs on this machine with no account and no network. */
  local: boolean;
  /** An organization must store an API key before using it. */
  requiresApiKey: boolean;
  /** An organization may point it at its own endpoint (proxy, self-hosted, regional or compatible server). */
  supportsBaseUrl: boolean;
  /** The vendor's developer documentation. */
  docsUrl?: string;
}

/** A voice a TTS (or STS) model can speak with. */
export interface CatalogVoice {
  /** The vendor's own voice id, passed unchanged to its API (`ttsModelParams.voice`). */
  id: string;
  /** Display name, as the vendor currently publishes it. */
  name: string;
  /** Provider slug. */
  provider: string;
  /** Primary BCP-47 language (and region when the voice has a native accent), e.g. `en-US`. */
  language: string;
  /** Every language the voice can speak, when it can speak more than its primary one. */
  languages?: string[];
  gender: VoiceGender;
  /** Accent in plain words, e.g. `british`, `scottish`. */
  accent?: string;
  description?: string;
  /** The vendor's public preview clip; omitted rather than guessed. */
  previewUrl?: string;
  /** Names of this provider's models that can speak with this voice. */
  modelIds?: string[];
  /** PCM output sample rates (Hz) the vendor offers for this voice. */
  sampleRates?: number[];
}

/** A model agents can select by `id` (`modelId`, `sttModelId`, `ttsModelId`, `stsModelId`). */
export interface CatalogModel {
  /** UUIDv5 of `${provider}/${type}/${name}` in Parley's namespace: the same on every install. */
  id: string;
  /** The vendor's model name, passed unchanged to its API. */
  name: string;
  /** Provider slug. */
  provider: string;
  type: ModelType;
  /** False when the vendor has shut the model down; kept so stored agents still resolve it. */
  isActive: boolean;
  /** Languages (BCP-47) the model handles; absent for models the catalog does not restrict. */
  languages?: string[];
  description?: string;
  /** Works incrementally on a live stream (audio in or out as it happens, or tokens as generated). */
  streaming?: boolean;
}
