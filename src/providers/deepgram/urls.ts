/**
 * Where Parley reaches Deepgram: the organization stores one HTTP(S) origin (the cloud API by
 * default, or a self-hosted deployment), and the websocket APIs live on the same host.
 */

/** Deepgram's cloud API. */
export const DEEPGRAM_API_ORIGIN = 'https://api.deepgram.com';

/** The two forms of one Deepgram base URL, both without a trailing slash or `/v1`. */
export interface DeepgramOrigins {
  /** `https://…` or `http://…`: REST calls (`/v1/projects`, `/v1/speak`). */
  http: string;
  /** `wss://…` or `ws://…`: streaming calls (`/v1/listen`, the `/v1/speak` websocket). */
  ws: string;
}

/**
 * Both origins for a stored `baseUrl` (default {@link DEEPGRAM_API_ORIGIN}). Accepts `http(s)://`
 * and `ws(s)://` forms and a path prefix (a proxy such as `https://gw.example.com/deepgram`); a
 * trailing `/v1` is dropped because every call appends its own `/v1/...` path, as in Deepgram's
 * documentation examples that people paste.
 */
export function deepgramOrigins(baseUrl: string | undefined): DeepgramOrigins {
  const raw = (baseUrl ?? '').trim() || DEEPGRAM_API_ORIGIN;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`Deepgram base URL '${raw}' is not a URL (expected e.g. ${DEEPGRAM_API_ORIGIN}).`);
  }
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  if (!secure && url.protocol !== 'http:' && url.protocol !== 'ws:') {
    throw new Error(`Deepgram base URL '${raw}' must start with https://, http://, wss:// or ws://.`);
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  const rest = `//${url.host}${path}`;
  return { http: `${secure ? 'https:' : 'http:'}${rest}`, ws: `${secure ? 'wss:' : 'ws:'}${rest}` };
}
