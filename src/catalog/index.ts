/**
 * Parley's built-in provider catalog: the providers it can use, their models (with stable UUIDs that
 * agents store) and the voices of their speech models. Pure data and lookups; no I/O.
 */
export type {
  Capability,
  CatalogModel,
  CatalogProvider,
  CatalogVoice,
  ModelType,
  VoiceGender,
} from './types.ts';
export { PARLEY_MODEL_NAMESPACE, isUuid, modelId, providerId, uuidv5 } from './ids.ts';
export { getProvider, hasCapability, providers } from './providers.ts';
export { builtinModels, findModel, getModel } from './models.ts';
export { builtinVoices } from './voices/index.ts';
export { filterModels, filterVoices, languageMatches, type ModelFilter, type VoiceFilter } from './filter.ts';
