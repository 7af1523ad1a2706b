/**
 * Opening a Deepgram websocket (`/v1/listen`, `/v1/speak`) so that every way it can fail is an
 * `@livekit/agents` API error within the connect options' timeout. The plugin's own handshakes
 * have no timeout (a proxy that accepts the TCP connection and never answers hangs the call) and
 * its TTS turns a refused upgrade into a plain `Error` that the framework never retries.
 */
import { APIConnectionError, APITimeoutError } from '@livekit/agents';
import WebSocket from 'ws';
import { deepgramStatusError } from './errors.ts';

/** How long a refused upgrade's error body may take to arrive before it is given up on. */
const ERROR_BODY_MS = 2_000;

/** How {@link openDeepgramSocket} connects. */
export interface OpenSocketOptions {
  /** Names the call in error messages, e.g. "Deepgram STT". */
  what: string;
  apiKey: string;
  /** Upgrade request → `101 Switching Protocols`, milliseconds. */
  timeoutMs: number;
  /** Aborting rejects at once (with the signal's reason) and drops the half-open socket. */
  signal?: AbortSignal;
}

/**
 * Resolves with the open socket, with no listeners left attached. Rejects with
 * `APIStatusError` (the upgrade was refused: status, Deepgram's `err_code`/`err_msg`,
 * `dg-request-id`), `APITimeoutError` (no answer within `timeoutMs`) or `APIConnectionError`.
 */
export function openDeepgramSocket(url: URL, options: OpenSocketOptions): Promise<WebSocket> {
  const { what, apiKey, timeoutMs, signal } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const ws = new WebSocket(url, { headers: { Authorization: `Token ${apiKey}` } });
    let settled = false;
    let bodyTimer: NodeJS.Timeout | undefined;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(bodyTimer);
      signal?.removeEventListener('abort', onAbort);
      ws.removeAllListeners();
      if (!error) return resolve(ws);
      ws.on('error', () => undefined); // the socket may still report its teardown
      ws.terminate();
      reject(error);
    };
    const onAbort = () => finish(signal!.reason as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () =>
        finish(new APITimeoutError({ message: `${what}: no websocket handshake within ${timeoutMs} ms` })),
      timeoutMs,
    );
    ws.once('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? -1;
      const header = res.headers['dg-request-id'];
      const requestId = Array.isArray(header) ? header[0] : header;
      let body = '';
      const done = () => finish(deepgramStatusError(what, status, body, requestId));
      bodyTimer = setTimeout(done, ERROR_BODY_MS);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body = (body + chunk).slice(0, 4000)));
      res.on('error', () => undefined);
      res.on('end', done);
    });
    ws.once('error', (err) =>
      finish(new APIConnectionError({ message: `${what}: websocket connection failed (${err.message})` })),
    );
    ws.once('close', (code) =>
      finish(new APIConnectionError({ message: `${what}: websocket closed during the handshake (${code})` })),
    );
    ws.once('open', () => finish());
  });
}
