/** Where Anthropic's API lives and how every request to it identifies itself. */

/** The API origin; an organization's `baseUrl` replaces it (a gateway or a proxy). */
export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

/** The API version every request pins; the wire format in `wire.ts` is this version's. */
export const ANTHROPIC_VERSION = '2023-06-01';

/**
 * `{origin}{path}` for an organization's stored origin. A trailing `/v1` is dropped, because
 * people paste OpenAI-style base URLs (`https://api.anthropic.com/v1`) and the paths here already
 * start with `/v1`.
 */
export function anthropicUrl(baseUrl: string | undefined, path: `/v1/${string}`): string {
  const origin = (baseUrl ?? ANTHROPIC_BASE_URL).replace(/\/+$/, '').replace(/\/v1$/, '');
  return `${origin}${path}`;
}

/** The authentication and version headers of every request. */
export function anthropicHeaders(apiKey: string): Record<string, string> {
  return { 'x-api-key': apiKey, 'anthropic-version': ANTHROPIC_VERSION };
}
