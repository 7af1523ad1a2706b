/**
 * Where Parley reaches ElevenLabs. An organization stores the API origin — the public
 * `https://api.elevenlabs.io` or a data-residency host such as
 * `https://api.eu.residency.elevenlabs.io` — and each caller appends the versioned path it needs
 * (`/v1/…` for speech and the user, `/v2/voices` for the voice library; the plugin's `baseURL`
 * is the origin plus `/v1`).
 */
import { baseUrlOf, type ProviderCredentials } from '../types.ts';

/** ElevenLabs' public API origin. */
export const ELEVENLABS_API_ORIGIN = 'https://api.elevenlabs.io';

/**
 * The API origin for these credentials, without a trailing slash. A stored URL that already ends
 * in `/v1` (what ElevenLabs' SDKs call their base URL) is accepted and trimmed to the origin.
 */
export function elevenlabsOrigin(credentials: ProviderCredentials | undefined): string {
  return baseUrlOf(credentials, ELEVENLABS_API_ORIGIN).replace(/\/v1$/, '');
}
