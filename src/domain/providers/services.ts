import type { ProviderAccount } from '../../providers/types.ts';
import type { LiveVoices } from './live-voices.ts';

/** What the provider verbs need beyond the database: account calls and the live voice catalogs. */
export interface ProviderServices {
  /** The account calls of a provider (undefined for local providers). */
  account(slug: string): ProviderAccount | undefined;
  liveVoices: LiveVoices;
}
