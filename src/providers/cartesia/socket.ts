/**
 * One open Cartesia TTS websocket. Cartesia multiplexes generations over a socket by `context_id`,
 * so this routes each incoming message to the context that subscribed to it and tells every user
 * when the socket goes away.
 */
import { APIConnectionError, APITimeoutError } from '@livekit/agents';
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { cartesiaHeaders } from './endpoints.ts';
import { connectionError, statusError } from './errors.ts';
import { isError, parseServerMessage, type ServerMessage } from './messages.ts';

/** Where and how {@link CartesiaSocket.connect} connects. */
export interface CartesiaSocketOptions {
  /** `wss://…/tts/websocket`. */
  url: string;
  apiKey: string;
  apiVersion: string;
  /** The handshake must complete within this, ms. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** An open websocket to Cartesia's `/tts/websocket`. */
export class CartesiaSocket {
  readonly #ws: WebSocket;
  readonly #contexts = new Map<string, (message: ServerMessage) => void>();
  readonly #closeListeners = new Set<(error: APIConnectionError) => void>();
  #closed = false;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.#dispatch(data.toString());
    });
    // Every error is followed by 'close', which tells the users; without a listener an error
    // event would throw.
    ws.on('error', () => undefined);
    ws.on('close', (code, reason) => {
      this.#closed = true;
      const why = reason.toString();
      const error = new APIConnectionError({
        message: `Cartesia closed the websocket (code ${code}${why ? `: ${why}` : ''})`,
      });
      for (const listener of [...this.#closeListeners]) listener(error);
      this.#closeListeners.clear();
      this.#contexts.clear();
    });
  }

  /**
   * Opens the websocket, with the key and version as headers (Node sends headers; browsers would
   * need the `api_key`/`cartesia_version` query instead).
   *
   * @throws {APIStatusError} when Cartesia refuses the upgrade (401 bad key, 429, 5xx)
   * @throws {APITimeoutError} when the handshake does not finish within `timeoutMs`
   * @throws {APIConnectionError} on network failures
   */
  static connect(options: CartesiaSocketOptions): Promise<CartesiaSocket> {
    const { url, apiKey, apiVersion, timeoutMs, signal } = options;
    return new Promise<CartesiaSocket>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError());
        return;
      }
      const ws = new WebSocket(url, {
        headers: cartesiaHeaders(apiKey, apiVersion),
        perMessageDeflate: false,
      });
      ws.on('error', () => undefined); // reported through `settle` below
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (!error) {
          resolve(new CartesiaSocket(ws));
          return;
        }
        ws.terminate();
        reject(error);
      };
      const timer = setTimeout(
        () =>
          settle(
            new APITimeoutError({ message: `Cartesia did not open the websocket within ${timeoutMs} ms` }),
          ),
        timeoutMs,
      );
      const onAbort = () => settle(abortError());
      signal?.addEventListener('abort', onAbort, { once: true });
      ws.once('open', () => settle());
      ws.once('unexpected-response', (_req, res: IncomingMessage) => {
        // Read Cartesia's error body, so the error says why (bad key, rate limit…).
        const parts: Buffer[] = [];
        let size = 0;
        const done = () =>
          settle(
            statusError(
              res.statusCode ?? 0,
              Buffer.concat(parts).toString('utf8'),
              headerValue(res.headers['x-request-id']),
            ),
          );
        res.on('data', (chunk: Buffer) => {
          if (size < 8192) parts.push(chunk);
          size += chunk.length;
        });
        res.once('end', done);
        res.once('error', done);
        res.once('close', done);
      });
      ws.once('error', (error) => settle(connectionError(error, 'Cartesia websocket failed')));
      ws.once('close', (code) =>
        settle(
          new APIConnectionError({ message: `Cartesia closed the websocket during the handshake (${code})` }),
        ),
      );
    });
  }

  /** Open and usable. */
  get isOpen(): boolean {
    return !this.#closed && this.#ws.readyState === WebSocket.OPEN;
  }

  /** Contexts currently subscribed (a socket goes back to the pool only with none). */
  get activeContexts(): number {
    return this.#contexts.size;
  }

  /** @throws {APIConnectionError} when the socket is no longer open */
  send(message: object): void {
    if (!this.isOpen) throw new APIConnectionError({ message: 'The Cartesia websocket is closed' });
    this.#ws.send(JSON.stringify(message));
  }

  /** Routes the messages of `contextId` to `handler` until the returned function is called. */
  subscribe(contextId: string, handler: (message: ServerMessage) => void): () => void {
    this.#contexts.set(contextId, handler);
    return () => {
      if (this.#contexts.get(contextId) === handler) this.#contexts.delete(contextId);
    };
  }

  /** Calls `listener` once if the socket closes; returns the unsubscribe function. */
  onClose(listener: (error: APIConnectionError) => void): () => void {
    if (this.#closed) {
      queueMicrotask(() => listener(new APIConnectionError({ message: 'The Cartesia websocket is closed' })));
      return () => undefined;
    }
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Closes cleanly (a close frame). */
  close(): void {
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING) {
      this.#ws.close(1000);
    }
  }

  /** Drops the connection at once: for a socket that is stuck or in an unknown state. */
  terminate(): void {
    this.#ws.terminate();
  }

  #dispatch(raw: string): void {
    const message = parseServerMessage(raw);
    if (!message) return;
    const id = message.context_id;
    if (id !== undefined) {
      // Messages of a context nobody listens to (one just cancelled) are dropped.
      this.#contexts.get(id)?.(message);
    } else if (isError(message)) {
      // An error without a context concerns the whole connection.
      for (const handler of [...this.#contexts.values()]) handler(message);
    }
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function abortError(): Error {
  return new DOMException('The Cartesia connection was aborted', 'AbortError');
}
