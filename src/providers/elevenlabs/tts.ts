/**
 * The ElevenLabs TTS Parley builds: `@livekit/agents-plugin-elevenlabs` 1.9's `TTS` (its
 * multi-stream websocket, sentence tokenizer, audio framing and alignment, unchanged), with its
 * connection handling guarded so every failure ends as an agents API error within a bound.
 *
 * The plugin opens the websocket in `Connection.connect()` (tts.js:140-158) with no handshake
 * timeout, under a lock that every later stream waits on, so an upgrade that is never answered
 * hangs that stream and every stream after it. And `run()` turns any connect failure into
 * `APIConnectionError("could not connect")` (tts.js:695-699), which is retryable, so a rejected
 * key (HTTP 401 on the upgrade) is retried four times and never reported as a 401.
 *
 * {@link ElevenLabsTTS} therefore takes its connections from an inner plugin `TTS` and:
 *  - bounds the connect by the streams' `connOptions.timeoutMs`; on timeout it abandons the inner
 *    `TTS` (and the lock its stalled handshake holds) for a fresh one, and the attempt fails with
 *    a retryable error that the base class retries cleanly, since `run()` has started nothing yet;
 *  - reads the upgrade's HTTP status from the `ws` error, and for a status that retrying cannot
 *    fix (401, 403, other 4xx but 408/429) hands `run()` a connection that fails the stream with an
 *    `APIStatusError` of that status, which is not retried; 429 and 5xx stay retryable;
 *  - wraps each connection in a {@link GuardedConnection} (silence bound, no lossy retries, real
 *    cancellation);
 * `synthesize()` (one whole text over REST) is Parley's own {@link ElevenLabsChunkedStream}: the
 * plugin's has no timeout (tts.js:596-610).
 */
import {
  APIConnectionError,
  APIStatusError,
  APITimeoutError,
  DEFAULT_API_CONNECT_OPTIONS,
  type APIConnectOptions,
} from '@livekit/agents';
import * as elevenlabs from '@livekit/agents-plugin-elevenlabs';
import { GuardedConnection, type PluginConnection } from './connection-guard.ts';
import { ElevenLabsChunkedStream, type ElevenLabsRestOptions } from './rest.ts';

/** The plugin's options, plus the connect bound. */
export interface ElevenLabsTTSOptions extends elevenlabs.TTSOptions {
  /**
   * How long the websocket upgrade may take, ms. Default: the `connOptions.timeoutMs` of the
   * latest `stream()` call, else the agents default (10 s).
   */
  connectTimeoutMs?: number;
}

type UpdatableOptions = Parameters<elevenlabs.TTS['updateOptions']>[0];

/** The HTTP status of a refused websocket upgrade, from the plugin's wrapped `ws` error message. */
export function upgradeStatus(error: unknown): number | undefined {
  const m = /Unexpected server response: (\d{3})/.exec(error instanceof Error ? error.message : '');
  return m ? Number(m[1]) : undefined;
}

/** Whether a refused upgrade with this status may succeed when tried again. */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** A connection that fails every stream registered on it with `error`, before any text is sent. */
function refusedConnection(voiceId: string, error: APIStatusError): PluginConnection {
  const refused = {
    voiceId,
    isCurrent: false,
    closed: true,
    markNonCurrent: () => undefined,
    connect: () => Promise.resolve(),
    close: () => Promise.resolve(),
    registerStream: (stream: elevenlabs.SynthesizeStream, waiter: { reject: (e: Error) => void }) => {
      stream.markDone();
      waiter.reject(error);
    },
    sendContent: () => undefined,
    closeContext: () => undefined,
  };
  return refused as unknown as PluginConnection;
}

/**
 * `@livekit/agents-plugin-elevenlabs`' TTS with bounded, classified connection failures and real
 * cancellation (see the module comment); everything else is the plugin's.
 */
export class ElevenLabsTTS extends elevenlabs.TTS {
  readonly #options: ElevenLabsTTSOptions;
  #pool: elevenlabs.TTS;
  readonly #guards = new WeakMap<PluginConnection, GuardedConnection>();
  #connectTimeoutMs: number;

  constructor(options: ElevenLabsTTSOptions) {
    super(options);
    this.#options = { ...options };
    this.#pool = new elevenlabs.TTS(this.#options);
    this.#connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_API_CONNECT_OPTIONS.timeoutMs;
  }

  override stream(options?: { connOptions?: APIConnectOptions }): elevenlabs.SynthesizeStream {
    if (options?.connOptions && this.#options.connectTimeoutMs === undefined) {
      this.#connectTimeoutMs = options.connOptions.timeoutMs;
    }
    return super.stream(options);
  }

  override async currentConnection(): Promise<PluginConnection> {
    const pool = this.#pool;
    const timeoutMs = this.#connectTimeoutMs;
    const connecting = pool.currentConnection();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    let conn: PluginConnection | 'timeout';
    try {
      conn = await Promise.race([connecting, timedOut]);
    } catch (error) {
      const status = upgradeStatus(error);
      if (status !== undefined && !retryableStatus(status)) {
        return refusedConnection(
          this.#options.voiceId ?? '',
          new APIStatusError({
            message: `ElevenLabs refused the websocket (HTTP ${status})`,
            options: { statusCode: status, retryable: false },
          }),
        );
      }
      throw error instanceof APIConnectionError ? error : new APIConnectionError({ message: String(error) });
    } finally {
      clearTimeout(timer);
    }
    if (conn === 'timeout') {
      // The stalled handshake holds the inner TTS's connection lock: give that TTS up.
      if (this.#pool === pool) this.#pool = new elevenlabs.TTS(this.#options);
      void connecting.then(
        (late) => late.close(),
        () => undefined,
      );
      void pool.close();
      throw new APITimeoutError({ message: `ElevenLabs did not open the websocket within ${timeoutMs} ms` });
    }
    let guard = this.#guards.get(conn);
    if (!guard) {
      guard = new GuardedConnection(conn);
      this.#guards.set(conn, guard);
    }
    return guard.asPluginConnection();
  }

  /**
   * One whole text over REST (`POST /v1/text-to-speech/{voice_id}/stream`), bounded by
   * `connOptions.timeoutMs` ({@link ElevenLabsChunkedStream}); the plugin's own REST stream has no
   * timeout.
   */
  override synthesize(
    text: string,
    connOptions?: APIConnectOptions,
    abortSignal?: AbortSignal,
  ): elevenlabs.ChunkedStream {
    const o = this.#options;
    if (!o.apiKey || !o.baseURL || !o.voiceId || !o.model || !o.encoding) {
      throw new Error('ElevenLabsTTS.synthesize needs apiKey, baseURL, voiceId, model and encoding');
    }
    const rest: ElevenLabsRestOptions = {
      apiKey: o.apiKey,
      baseURL: o.baseURL,
      voiceId: o.voiceId,
      model: o.model,
      encoding: o.encoding,
      ...(o.voiceSettings ? { voiceSettings: o.voiceSettings } : {}),
      ...(o.language ? { language: o.language } : {}),
    };
    // The plugin types `synthesize()` as returning its own ChunkedStream class; callers use only
    // the agents `tts.ChunkedStream` surface, which this one has.
    return new ElevenLabsChunkedStream(
      text,
      this,
      rest,
      connOptions,
      abortSignal,
    ) as unknown as elevenlabs.ChunkedStream;
  }

  override updateOptions(opts: UpdatableOptions): void {
    super.updateOptions(opts);
    this.#pool.updateOptions(opts);
    for (const [key, value] of Object.entries(opts)) {
      if (value !== undefined) (this.#options as Record<string, unknown>)[key] = value;
    }
  }

  override async close(): Promise<void> {
    await super.close();
    await this.#pool.close();
  }
}
