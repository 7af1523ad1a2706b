/** Cartesia's endpoint URLs, derived from the API origin an organization stores. */

/** The TTS websocket for an API origin: `https://host/p` → `wss://host/p/tts/websocket` (http → ws). */
export function websocketUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol === 'http:') url.protocol = 'ws:';
  else throw new Error(`The Cartesia base URL must be http(s), not ${url.protocol}`);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/tts/websocket`;
  url.search = '';
  return url.toString();
}

/** An HTTP endpoint under the API origin, with query parameters (undefined values are left out). */
export function httpUrl(
  baseUrl: string,
  path: string,
  query: Record<string, string | number | undefined> = {},
): string {
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  url.search = '';
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

/** The headers of every Cartesia request: the key (Cartesia's `X-API-Key`) and the API version. */
export function cartesiaHeaders(apiKey: string, apiVersion: string): Record<string, string> {
  return { 'X-API-Key': apiKey, 'Cartesia-Version': apiVersion };
}
