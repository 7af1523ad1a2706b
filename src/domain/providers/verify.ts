import {
  ProviderAccountError,
  type ProviderAccount,
  type ProviderCredentials,
} from '../../providers/types.ts';
import { DomainError } from '../errors.ts';

/**
 * Checks credentials with the provider before they are stored. Refused credentials are a 422 that
 * says what the provider answered; a provider that cannot answer now is a 503 (nothing stored:
 * retry, or store unchecked with `verify: false`).
 */
export async function verifyCredentials(
  providerName: string,
  account: ProviderAccount,
  credentials: ProviderCredentials,
): Promise<void> {
  try {
    await account.verify(credentials);
  } catch (err) {
    if (!(err instanceof ProviderAccountError)) throw err;
    if (err.kind === 'rejected' || err.kind === 'protocol') {
      throw new DomainError(
        'PROVIDER_NOT_CONFIGURED',
        `${providerName} did not accept these credentials: ${err.message}. Nothing was stored.`,
        [{ field: 'apiKey', message: `Rejected by ${providerName}.` }],
      );
    }
    throw new DomainError(
      'SERVICE_UNAVAILABLE',
      `Could not check the credentials with ${providerName}: ${err.message}. Nothing was stored; ` +
        'retry later, or send "verify": false to store them unchecked.',
    );
  }
}
