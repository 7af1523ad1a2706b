import { SignalRequest, SignalResponse } from '@livekit/protocol';
import type { WebSocket } from 'ws';
import type { MediaServerLogger } from '../logger.ts';
import { errorMessage } from '../logger.ts';
import { SerialQueue } from '../serial-queue.ts';
import type { SignalMessage } from '../media/transport.ts';

/** Frequent signal messages left out of the debug trace. */
const QUIET = new Set<string | undefined>(['ping', 'pingReq', 'pong', 'pongResp', 'trickle']);

/** Largest signal frame accepted; bigger frames close the connection (ws code 1009). */
export const maxSignalFrameBytes = 512 * 1024;

/**
 * One client's signalling WebSocket: binary protobuf `SignalRequest` in, `SignalResponse` out.
 * Requests are handled one at a time, in order. Anything undecodable, and any handler failure,
 * closes this connection only, with the reason logged.
 */
export class SignalConnection {
  private readonly queue = new SerialQueue();
  private closed = false;
  private closeHandler: (reason: string) => void = () => undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly logger: MediaServerLogger,
  ) {
    ws.on('error', (err) => this.logger.warn({ err: errorMessage(err) }, 'signal socket error'));
    ws.on('close', (code, reason) =>
      this.finish(`socket closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`),
    );
  }

  /** Starts delivering requests to `handler`; `onClose` runs once when the connection ends. */
  listen(handler: (request: SignalRequest) => Promise<void> | void, onClose: (reason: string) => void): void {
    this.closeHandler = onClose;
    this.ws.on('message', (data, isBinary) => {
      if (this.closed) return;
      let request: SignalRequest;
      try {
        if (!isBinary) throw new Error('text frame (only binary protobuf is supported)');
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        request = SignalRequest.fromBinary(bytes);
        if (request.message.case === undefined) throw new Error('unknown or empty signal request');
      } catch (err) {
        this.close(`malformed signal request: ${errorMessage(err)}`);
        return;
      }
      if (!QUIET.has(request.message.case)) this.logger.debug({ request: request.message.case }, 'signal in');
      void this.queue
        .run(() => (this.closed ? undefined : handler(request)))
        .catch((err: unknown) =>
          this.close(`failed to handle ${request.message.case}: ${errorMessage(err)}`),
        );
    });
  }

  /** Sends one message; silently dropped once the socket is closing. */
  send(message: SignalMessage): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    if (!QUIET.has(message.case)) this.logger.debug({ response: message.case }, 'signal out');
    this.ws.send(new SignalResponse({ message }).toBinary());
  }

  /** Closes the socket (after flushing what was sent) and reports `reason` once. */
  close(reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) {
      this.ws.close(1000);
      // A peer that never acknowledges the close frame must not keep the socket alive.
      setTimeout(() => this.ws.terminate(), 2000).unref();
    }
    this.finish(reason);
  }

  private finish(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeHandler(reason);
  }
}
