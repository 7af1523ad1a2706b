/**
 * Provider slug → the account calls the API makes with an organization's credentials (checking a
 * key when it is stored; listing the account's voices). Local providers have none.
 */
import { anthropicAccount } from './anthropic/index.ts';
import { cartesiaAccount } from './cartesia/index.ts';
import { deepgramAccount } from './deepgram/index.ts';
import { elevenlabsAccount } from './elevenlabs/index.ts';
import { googleAccount } from './google/index.ts';
import { openaiAccount, openaiCompatibleAccount } from './openai/index.ts';
import type { ProviderAccount } from './types.ts';

export const accounts: Readonly<Record<string, ProviderAccount>> = {
  openai: openaiAccount,
  'openai-compatible': openaiCompatibleAccount,
  deepgram: deepgramAccount,
  elevenlabs: elevenlabsAccount,
  cartesia: cartesiaAccount,
  anthropic: anthropicAccount,
  google: googleAccount,
};

/** The account calls of a provider, or undefined (local providers, unknown slugs). */
export function accountOf(slug: string): ProviderAccount | undefined {
  return accounts[slug];
}
