/**
 * A wrapper around one multi-stream websocket connection of `@livekit/agents-plugin-elevenlabs`
 * 1.9, seen by the plugin's `SynthesizeStream.run()` in place of the connection itself. It fixes
 * three things the plugin does not do (tts.js line numbers from the published dist):
 *
 *  - **A silent server hangs the stream forever.** `run()` waits for the context's `isFinal`
 *    (tts.js:811) with no timeout. The guard bounds the wait for the first audio after the first
 *    flush, and the wait between audio messages once the context is closed, to the stream's
 *    `connOptions.timeoutMs`; then the stream fails with an {@link APITimeoutError} and the
 *    connection is closed, so the next stream reconnects. (Between sentences no bound applies:
 *    there the stream is waiting for the LLM, not for ElevenLabs.)
 *  - **A retry after the stream started loses text.** Once `run()` has started its tasks they
 *    consume the stream's input and keep running after a failure, so the base class's retry
 *    (agents tts.js `_mainTaskImpl`) opens a context with no text and "succeeds" with the audio
 *    cut off. Every failure delivered here therefore reaches `run()` as not retryable, and as an
 *    `APIStatusError` or `APITimeoutError`, the two classes `run()` passes through unchanged
 *    (tts.js:816-822 turns anything else into a retryable `APIStatusError`).
 *  - **Cancelling a stream does not stop ElevenLabs.** The plugin ends every context with a
 *    flush and `close_context` as soon as its input ends, and ElevenLabs keeps generating what was
 *    flushed after a `close_context` (its AsyncAPI: "If it has already been set to flush it will
 *    continue flushing"), so closing a stream mid-reply lets the whole reply be generated and
 *    billed. When the cancelled context is the only one on the connection, the guard closes the
 *    socket, the one message ElevenLabs stops for; the next stream opens a new one.
 */
import { APIError, APIStatusError, APITimeoutError, log, type APIConnectOptions } from '@livekit/agents';
import type * as elevenlabs from '@livekit/agents-plugin-elevenlabs';

/** The plugin's websocket connection (its class is not exported, its type is). */
export type PluginConnection = Awaited<ReturnType<elevenlabs.TTS['currentConnection']>>;
type Stream = Parameters<PluginConnection['registerStream']>[0];
type Waiter = Parameters<PluginConnection['registerStream']>[1];
type Content = Parameters<PluginConnection['sendContent']>[0];

/** One context (one `SynthesizeStream`) registered on the connection and not finished yet. */
interface LiveContext {
  stream: Stream;
  timeoutMs: number;
  textSent: boolean;
  audioSeen: boolean;
  closing: boolean;
  timer?: NodeJS.Timeout;
  /** Settles the stream's waiter with an error (once). */
  fail(error: Error): void;
}

/**
 * `error` as `run()` should see it after its tasks have started: not retryable, and of a class
 * `run()` rethrows as it is.
 */
export function finalError(error: Error): Error {
  if (error instanceof APITimeoutError) {
    return error.retryable
      ? new APITimeoutError({ message: error.message, options: { retryable: false } })
      : error;
  }
  if (error instanceof APIStatusError && !error.retryable) return error;
  return new APIStatusError({
    message: `${error.message} (not retried: the stream had started)`,
    options: {
      statusCode: error instanceof APIStatusError ? error.statusCode : -1,
      body: error instanceof APIError ? error.body : null,
      retryable: false,
    },
  });
}

/** The stream's `connOptions.timeoutMs` (a protected field of the agents base class). */
function connTimeoutMs(stream: Stream): number {
  return (stream as unknown as { connOptions: APIConnectOptions }).connOptions.timeoutMs;
}

/** Stands in for one plugin connection, applying the rules in the module comment. */
export class GuardedConnection {
  readonly #conn: PluginConnection;
  readonly #live = new Map<string, LiveContext>();

  constructor(conn: PluginConnection) {
    this.#conn = conn;
  }

  /** This guard where the plugin expects its own connection class. */
  asPluginConnection(): PluginConnection {
    return this as unknown as PluginConnection;
  }

  get voiceId(): string {
    return this.#conn.voiceId;
  }

  get isCurrent(): boolean {
    return this.#conn.isCurrent;
  }

  get closed(): boolean {
    return this.#conn.closed;
  }

  markNonCurrent(): void {
    this.#conn.markNonCurrent();
  }

  connect(): Promise<void> {
    return this.#conn.connect();
  }

  close(): Promise<void> {
    return this.#conn.close();
  }

  registerStream(stream: Stream, waiter: Waiter): void {
    const id = stream.contextId;
    let settled = false;
    const finish = () => {
      settled = true;
      clearTimeout(ctx.timer);
      if (this.#live.get(id) === ctx) this.#live.delete(id);
    };
    const ctx: LiveContext = {
      stream,
      timeoutMs: connTimeoutMs(stream),
      textSent: false,
      audioSeen: false,
      closing: false,
      fail: (error) => {
        if (settled) return;
        finish();
        // Lets the plugin's audio task, which polls until the stream is done, wind down.
        stream.markDone();
        waiter.reject(finalError(error));
      },
    };
    this.#live.set(id, ctx);
    stream.abortSignal.addEventListener('abort', () => this.#cancelled(ctx, settled), { once: true });
    const observed = new Proxy(stream, {
      get: (target, prop) => {
        if (prop === 'pushAudio') {
          return (data: Buffer) => {
            ctx.audioSeen = true;
            // Audio arrived: restart the clock while the context drains after close_context.
            if (ctx.closing) this.#arm(ctx);
            else clearTimeout(ctx.timer);
            target.pushAudio(data);
          };
        }
        // Getters and methods run on the real stream: its private fields live there.
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    this.#conn.registerStream(observed, {
      resolve: (value) => {
        if (settled) return;
        finish();
        waiter.resolve(value);
      },
      reject: (error) => ctx.fail(error),
    });
  }

  sendContent(content: Content): void {
    const ctx = this.#live.get(content.contextId);
    try {
      this.#conn.sendContent(content);
    } catch (error) {
      // The socket is gone: fail the stream here rather than let run() retry with lost text.
      if (!ctx) throw error;
      ctx.fail(error as Error);
      return;
    }
    if (!ctx) return;
    if (content.text.trim()) ctx.textSent = true;
    if (content.flush && !ctx.audioSeen && !ctx.closing) this.#arm(ctx);
  }

  closeContext(contextId: string): void {
    const ctx = this.#live.get(contextId);
    try {
      this.#conn.closeContext(contextId);
    } catch (error) {
      if (!ctx) throw error;
      ctx.fail(error as Error);
      return;
    }
    if (!ctx) return;
    ctx.closing = true;
    this.#arm(ctx);
  }

  /** (Re)starts the context's wait for audio. */
  #arm(ctx: LiveContext): void {
    clearTimeout(ctx.timer);
    ctx.timer = setTimeout(() => {
      ctx.fail(
        new APITimeoutError({
          message: `ElevenLabs sent no audio for ${ctx.timeoutMs} ms`,
          options: { retryable: false },
        }),
      );
      // The connection hangs; later streams must not reuse it.
      void this.#conn.close();
    }, ctx.timeoutMs);
  }

  #cancelled(ctx: LiveContext, settled: boolean): void {
    if (settled) return;
    clearTimeout(ctx.timer);
    this.#live.delete(ctx.stream.contextId);
    if (!ctx.textSent || this.#live.size > 0) return;
    log().debug('elevenlabs stream cancelled mid-reply; closing the socket to stop generation');
    void this.#conn.close();
  }
}
