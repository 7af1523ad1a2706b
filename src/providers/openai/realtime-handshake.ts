/**
 * A guard for the OpenAI Realtime handshake in `@livekit/agents-plugin-openai` 1.9.
 *
 * The plugin opens its websocket without an `error` listener, so a rejected upgrade (HTTP 401,
 * 429, 500 from the provider or a proxy) or a refused connection is an uncaught exception that
 * kills the whole job process, and the call with it; hybrid mode never gets the chance to fall
 * back to the pipeline. The plugin offers no hook for this, so {@link installRealtimeHandshakeGuard}
 * replaces its connect method (non-Azure endpoints only) with one that retries the failures worth
 * retrying and turns the rest into a session `error` event, classified as retryable or not, and a
 * rejected connect.
 * Remove when the plugin handles handshake errors itself.
 */
import { APIConnectionError, APIStatusError } from '@livekit/agents';
import * as openai from '@livekit/agents-plugin-openai';
import WebSocket from 'ws';

interface SessionInternals {
  _options: {
    apiKey?: string;
    baseURL: string;
    model: string;
    isAzure: boolean;
    apiVersion?: string;
    azureDeployment?: string;
    connOptions: { timeoutMs: number; maxRetry?: number; retryIntervalMs?: number };
  };
  emitError(event: { error: Error; recoverable: boolean }): void;
}

type Connect = (this: SessionInternals) => Promise<WebSocket>;

const GUARDED = Symbol.for('parley.openai.realtime.handshakeGuard');
/** Set on a session once it is closing: its handshake stops retrying and reports nothing more. */
const CLOSING = Symbol('parley.openai.realtime.closing');

/** Opens the Realtime websocket; every failure rejects with an agents API error. */
export function connectRealtime(options: SessionInternals['_options']): Promise<WebSocket> {
  const url = openai.realtime.processBaseURL({
    baseURL: options.baseURL,
    model: options.model,
    isAzure: false,
  });
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: { 'User-Agent': 'Parley', Authorization: `Bearer ${options.apiKey ?? ''}` },
    });
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => undefined); // late socket errors after the failure are expected
      ws.terminate();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new APIConnectionError({ message: 'OpenAI Realtime connection timed out' })),
      options.connOptions.timeoutMs,
    );
    ws.once('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body = (body + chunk).slice(0, 2000)));
      res.on('error', () => undefined);
      res.on('end', () => {
        fail(
          new APIStatusError({
            message: `OpenAI Realtime rejected the connection (HTTP ${status}): ${errorText(body)}`,
            options: { statusCode: status, body: safeJson(body), retryable: status === 429 || status >= 500 },
          }),
        );
      });
    });
    ws.once('error', (err) =>
      fail(new APIConnectionError({ message: `OpenAI Realtime connection failed: ${err.message}` })),
    );
    ws.once('close', () => fail(new APIConnectionError({ message: 'OpenAI Realtime connection closed' })));
    ws.once('open', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.removeAllListeners('unexpected-response');
      ws.removeAllListeners('close');
      ws.removeAllListeners('error');
      // The plugin attaches its own listeners once it has the socket.
      resolve(ws);
    });
  });
}

function safeJson(text: string): object | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' ? parsed : null;
  } catch {
    return null;
  }
}

/** The provider's `error.message` when the body is an OpenAI error, else the start of the body. */
function errorText(body: string): string {
  const parsed = safeJson(body) as { error?: { message?: unknown } } | null;
  const message = parsed?.error?.message;
  return typeof message === 'string' ? message : body.slice(0, 200) || 'no body';
}

/** Installs the guard once per process (idempotent). */
export function installRealtimeHandshakeGuard(): void {
  const proto = openai.realtime.RealtimeSession.prototype as unknown as {
    createWsConn: Connect;
    close(this: SessionInternals): Promise<void>;
    [GUARDED]?: true;
  };
  if (proto[GUARDED]) return;
  const original = proto.createWsConn;
  const originalClose = proto.close;
  // A session closed mid-retry (hybrid mode leaving the model, the call ending) must not go on
  // dialling, nor report failures to an agent that no longer uses it.
  proto.close = function (this: SessionInternals & { [CLOSING]?: true }) {
    this[CLOSING] = true;
    return originalClose.call(this);
  };
  proto.createWsConn = async function (this: SessionInternals & { [CLOSING]?: true }) {
    if (this._options.isAzure) return original.call(this);
    // The plugin connects outside its retry loop, so a transient refusal (429, 5xx, a timeout)
    // would end the call at once: retry those here, 100 ms and then up to 500 ms apart.
    const { maxRetry = 3, retryIntervalMs = 500 } = this._options.connOptions as {
      maxRetry?: number;
      retryIntervalMs?: number;
    };
    for (let attempt = 0; ; attempt++) {
      try {
        return await connectRealtime(this._options);
      } catch (err) {
        if (this[CLOSING]) throw err;
        const retryable = (err as { retryable?: unknown }).retryable === true;
        const final = !retryable || attempt >= maxRetry;
        // The plugin's main loop does not report connect failures: tell the AgentSession here
        // (a retried one as recoverable, so the session's timeline still shows it).
        this.emitError({ error: err as Error, recoverable: !final });
        if (final) throw err;
        await new Promise((r) => setTimeout(r, attempt === 0 ? 100 : Math.min(retryIntervalMs, 500)));
        if (this[CLOSING]) throw err;
      }
    }
  };
  proto[GUARDED] = true;
}
