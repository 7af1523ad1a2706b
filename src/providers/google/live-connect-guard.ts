/**
 * A guard around `live.connect()` of `@google/genai` for the Gemini Live sessions of
 * `@livekit/agents-plugin-google` 1.9.
 *
 * What the plugin does on its own when the connection does not work out:
 *  - a refused upgrade, a refused TCP connection or a close before `setupComplete` leaves its
 *    connect call waiting forever (the SDK only resolves on `setupComplete`), so the session never
 *    retries and never answers again; the only trace is an error "WebSocket closed with code 1006";
 *  - a connect call that does reject ends, once retries are used up, in a rejected promise nobody
 *    awaits: an unhandled rejection that kills the job process;
 *  - a stalled server (upgrade accepted, no `setupComplete`) is waited on without a timeout;
 *  - a mid-session drop is reported as unrecoverable and the session never reconnects, while its
 *    own deliberate closes (restarts after an instructions or tools change, `goAway`) end with code
 *    1005 and are reported as unrecoverable errors too — which closes the AgentSession;
 *  - `generateReply()` without instructions on Gemini 3.1+ sends `turns: []`, which the SDK
 *    refuses; the plugin restarts the session and the reply never comes.
 *
 * {@link installLiveConnectGuard} wraps `Live.prototype.connect` (only for sessions created by
 * {@link GeminiRealtimeModel}, found through {@link liveSessionContext}) so that every failure
 * before `setupComplete` settles within the connect timeout as a classified error (retried by the
 * plugin's loop while retries remain, otherwise reported once as unrecoverable, never thrown out
 * of the loop); deliberate closes use code 1000 and stay silent; an unexpected mid-session close is
 * reported, and reconnected when the close code says another attempt may work; an empty
 * `clientContent` is sent as a bare `turnComplete`.
 */
import {
  Live,
  type LiveCallbacks,
  type LiveConnectParameters,
  type LiveServerMessage,
  type Session,
} from '@google/genai';
import { APIConnectionError, APIError } from '@livekit/agents';
import type WebSocket from 'ws';
import { liveSessionContext, type LiveSessionContext, type LiveSessionInternals } from './live-context.ts';
import { closeError, refusedError, setupTimeoutError, socketError } from './live-errors.ts';

/** What the SDK's node websocket wrapper (`NodeWebSocket`) exposes once `connect()` ran. */
interface SdkSocket {
  ws?: WebSocket;
}

/** The SDK internals the guard touches (TypeScript-private in `@google/genai` 2.x). */
interface LiveInternals {
  apiClient: { getTimeout(): number | undefined };
  webSocketFactory: { create(url: string, headers: Record<string, string>, callbacks: unknown): SdkSocket };
}

type Connect = (this: Live, params: LiveConnectParameters) => Promise<Session>;

const GUARDED = Symbol.for('parley.google.live.connectGuard');
/** The plugin always sets `httpOptions.timeout` (its `connOptions.timeoutMs`); this is a backstop. */
const DEFAULT_SETUP_TIMEOUT_MS = 10_000;

/** Installs the guard once per process (idempotent). */
export function installLiveConnectGuard(): void {
  const proto = Live.prototype as unknown as { connect: Connect; [GUARDED]?: true };
  if (proto[GUARDED]) return;
  const original = proto.connect;
  proto.connect = function (this: Live, params: LiveConnectParameters) {
    const context = liveSessionContext.getStore();
    if (!context?.session) return original.call(this, params);
    return guardedConnect(this, original, params, context, context.session);
  };
  proto[GUARDED] = true;
}

function guardedConnect(
  live: Live,
  original: Connect,
  params: LiveConnectParameters,
  context: LiveSessionContext,
  session: LiveSessionInternals,
): Promise<Session> {
  const internals = live as unknown as LiveInternals;
  const timeoutMs = internals.apiClient.getTimeout() ?? DEFAULT_SETUP_TIMEOUT_MS;
  const callbacks = params.callbacks;
  let phase: 'setup' | 'open' | 'over' = 'setup';
  let closedByClient = false;
  let socket: SdkSocket | undefined;

  return new Promise<Session>((resolve, reject) => {
    const fail = (error: APIError) => {
      if (phase !== 'setup') return;
      phase = 'over';
      clearTimeout(timer);
      socket?.ws?.terminate();
      if (context.closed) return; // the owner closed the session while it was connecting
      const { maxRetry } = session.options.connOptions;
      const final = !error.retryable || maxRetry === 0 || session.numRetries >= maxRetry;
      session.emitError(error, !final);
      // The plugin's loop retries after a rejection, but rethrows the last one out of a promise
      // nobody awaits; the final failure is therefore reported here and the loop left waiting.
      if (!final) reject(error);
    };
    const timer = setTimeout(() => fail(setupTimeoutError(timeoutMs)), timeoutMs);

    const guarded: LiveCallbacks = {
      onopen: () => {
        if (phase === 'setup') callbacks.onopen?.();
      },
      onmessage: (message: LiveServerMessage) => {
        if (phase !== 'over') callbacks.onmessage(context.dropAudio ? withoutAudio(message) : message);
      },
      // Before the setup a socket error is a failed attempt; afterwards the close that always
      // follows it carries the information, so errors are not forwarded (the plugin would restart
      // the session on its own and report nothing).
      onerror: (event: ErrorEvent) => {
        if (phase === 'setup') fail(socketError(errorText(event)));
      },
      onclose: (event: CloseEvent) => {
        if (phase === 'setup') return fail(closeError(event.code, event.reason, 'setup'));
        if (phase !== 'open') return;
        phase = 'over';
        // The plugin finishes the current generation on any close and reports every code but 1000
        // as unrecoverable; the guard reports what the close means itself.
        callbacks.onclose?.({ code: 1000, reason: event.reason, wasClean: true } as CloseEvent);
        if (closedByClient || context.closed) return;
        const error = closeError(event.code, event.reason, 'session');
        session.emitError(error, error.retryable);
        if (error.retryable) session.markRestartNeeded();
      },
    };

    // The SDK creates and opens its socket synchronously inside connect(); borrowing the factory
    // for that call hands the guard the socket, to read refused upgrades and to abort a stall.
    const factory = internals.webSocketFactory;
    internals.webSocketFactory = {
      create: (url, headers, cbs) => (socket = factory.create(url, headers, cbs)),
    };
    let pending: Promise<Session>;
    try {
      pending = original.call(live, { ...params, callbacks: guarded });
    } catch (err) {
      pending = Promise.reject(err);
    } finally {
      internals.webSocketFactory = factory;
    }

    socket?.ws?.once('unexpected-response', (_req, res) => {
      // With this listener in place ws leaves the refused response to us: read Google's error
      // body, then fail (which aborts the request).
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body = (body + chunk).slice(0, 4000)));
      res.on('error', () => undefined);
      res.on('end', () => fail(refusedError(res.statusCode ?? 0, body)));
    });

    pending.then(
      (connected) => {
        if (phase !== 'setup') {
          connected.close();
          return;
        }
        phase = 'open';
        clearTimeout(timer);
        const send = connected.sendClientContent.bind(connected);
        connected.sendClientContent = (content) =>
          // generateReply() without instructions sends `turns: []` on Gemini 3.1+, which the SDK
          // rejects ("contents are required"); the plugin then restarts the session and loses the
          // request. A bare `turnComplete` is how the API says "answer now".
          send(
            Array.isArray(content.turns) && content.turns.length === 0
              ? { ...content, turns: undefined }
              : content,
          );
        const close = connected.close.bind(connected);
        connected.close = () => {
          closedByClient = true;
          // A close frame without a code comes back as 1005, which the plugin takes for a failure.
          if (socket?.ws) socket.ws.close(1000);
          else close();
        };
        resolve(connected);
      },
      (err: unknown) => {
        // The SDK threw before opening a socket (a malformed base URL, an invalid config): no
        // attempt will do better.
        fail(
          err instanceof APIError
            ? err
            : new APIConnectionError({
                message: `Gemini Live could not connect: ${err instanceof Error ? err.message : String(err)}`,
                options: { retryable: false },
              }),
        );
      },
    );
  });
}

/** The message without its audio parts (the text-only mode of native-audio models). */
function withoutAudio(message: LiveServerMessage): LiveServerMessage {
  const turn = message.serverContent?.modelTurn;
  if (!turn?.parts?.some((p) => p.inlineData)) return message;
  const parts = turn.parts.filter((p) => !p.inlineData?.mimeType?.startsWith('audio/'));
  message.serverContent!.modelTurn = parts.length > 0 ? { ...turn, parts } : undefined;
  return message;
}

function errorText(event: ErrorEvent): string {
  const e = event as { message?: unknown; error?: unknown };
  if (typeof e.message === 'string' && e.message) return e.message;
  return e.error instanceof Error ? e.error.message : 'socket error';
}
