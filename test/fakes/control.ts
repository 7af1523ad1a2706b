/**
 * The fault and latency knobs every cloud-provider fake offers, so that one conformance suite per
 * capability (test/providers/) can drive every provider the same way. Each fake speaks its
 * provider's real wire protocol; this is only how a test steers it.
 */

/** One request or connection a fake served, oldest first in {@link FakeProviderControl.requests}. */
export interface FakeRequestRecord {
  /** `http` for a plain or streaming HTTP request, `ws` for a websocket connection. */
  kind: 'http' | 'ws';
  method: string;
  /** The path without the query string, e.g. `/v1/listen`. */
  path: string;
  /** HTTP status answered (101 for an accepted websocket upgrade). */
  status: number;
  /** When the request or upgrade arrived (epoch ms). */
  at: number;
  /** When the first output went out: first token, first audio byte, first transcript (epoch ms). */
  firstOutputAt?: number;
  /** When the fake finished answering or the connection closed (epoch ms). */
  doneAt?: number;
  /**
   * The client gave up before the fake had sent everything: it closed the connection or the
   * socket, or sent the protocol's own cancel message (a context close, a `cancel` event).
   */
  cancelled?: boolean;
  /** The fault the fake applied to this request, if any. */
  fault?: 'fail' | 'drop' | 'stall';
  /** Model name the request asked for, when it names one. */
  model?: string;
  /** TTS: the text to speak; STT: the transcript produced; LLM: the reply. */
  text?: string;
}

export interface FakeProviderControl {
  /** What an organization stores as `baseUrl` to reach this fake (`PUT /v1/voice/providers/{slug}`). */
  readonly baseUrl: string;
  /** The API key the fake accepts; any other key gets the provider's own 401 response. */
  readonly apiKey: string;
  /**
   * The next `count` (default 1) requests or websocket connection attempts are refused with
   * `status` and the provider's real error body; a refused websocket upgrade answers that HTTP
   * status. A 429 carries `Retry-After: 0`.
   */
  failNext(status: number, count?: number): void;
  /** The next streaming response or websocket is cut (socket destroyed) right after its first output. */
  dropNext(): void;
  /** The next request or connection is accepted and never answered (for client timeouts). */
  stallNext(): void;
  /** Delay before the first output of every response (first token, audio byte or transcript), ms. */
  setLatency(ms: number): void;
  /** Every request and connection served since the last {@link reset}. */
  readonly requests: readonly FakeRequestRecord[];
  /** Clears faults, latency and the request log. */
  reset(): void;
  close(): Promise<void>;
}
