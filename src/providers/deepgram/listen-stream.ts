/**
 * Streaming recognition over Deepgram's `/v1/listen` websocket, speaking the protocol as
 * `@livekit/agents-plugin-deepgram` 1.9 does (same query, linear16 audio in 100 ms packets,
 * silence beyond one second not sent, `KeepAlive`, `Finalize` on flush, `CloseStream` at the end)
 * but with each connection as one attempt of the framework's retry loop:
 *
 *  - the handshake is bounded by the connect options' `timeoutMs` and refused upgrades are
 *    `APIStatusError`s (the plugin waits forever on a silent server);
 *  - a connection that drops mid-stream fails the attempt with a retryable `APIConnectionError`,
 *    so the framework reconnects after `retryIntervalMs` and the audio not yet sent goes to the
 *    new connection (the plugin never notices a drop: its stream goes silent until closed);
 *  - audio waits in the stream while no connection is open, so nothing is lost between attempts.
 */
import {
  APIConnectionError,
  APIError,
  type APIConnectOptions,
  AudioByteStream,
  AudioEnergyFilter,
  DEFAULT_API_CONNECT_OPTIONS,
  log,
  stt,
} from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import WebSocket from 'ws';
import { openDeepgramSocket } from './connect.ts';
import { listenUrl, type ListenSettings } from './listen-options.ts';
import { resultsToSpeechData, type DeepgramResults } from './listen-results.ts';

/** Deepgram closes idle connections after 10 s; the plugin's keep-alive period. */
const KEEPALIVE_MS = 5_000;
/** Audio seconds per RECOGNITION_USAGE event (the plugin reports every 5 s as well). */
const USAGE_PERIOD_SECONDS = 5;

type Packet = Buffer | 'finalize';

/** The {@link DeepgramSTT.stream} implementation. */
export class DeepgramListenStream extends stt.SpeechStream {
  label = 'deepgram.SpeechStream';
  readonly #settings: ListenSettings;
  /** Handshake bound, and how long a closing connection may take to answer `CloseStream`. */
  readonly #timeoutMs: number;
  /** Packets read from the input and not yet sent on a connection. */
  #outbox: Packet[] = [];
  #inputEnded = false;
  /** The input is read by one task for the stream's life, whatever the connection attempts. */
  #reading = false;
  /** Wakes the sender of the open connection when the outbox or the input state changes. */
  #wake: (() => void) | undefined;
  #speaking = false;
  #requestId = '';
  #unreportedSeconds = 0;

  constructor(owner: stt.STT, settings: ListenSettings, connOptions?: APIConnectOptions) {
    super(owner, settings.sampleRate, connOptions);
    this.#settings = settings;
    this.#timeoutMs = (connOptions ?? DEFAULT_API_CONNECT_OPTIONS).timeoutMs;
  }

  protected async run(): Promise<void> {
    if (!this.#reading) {
      this.#reading = true;
      // A failure ends the input (see its finally): what was read is still sent, then closed.
      this.#readInput().catch((error: unknown) =>
        log().error({ error }, `${this.label}: reading input failed`),
      );
    }
    const ws = await openDeepgramSocket(listenUrl(this.#settings), {
      what: 'Deepgram STT',
      apiKey: this.#settings.apiKey,
      timeoutMs: this.#timeoutMs,
      signal: this.abortSignal,
    });
    try {
      await this.#session(ws);
    } finally {
      this.#reportUsage(0);
    }
  }

  /**
   * Turns input frames into packets for whichever connection is open: 100 ms of linear16 each,
   * with silence dropped after a second of it (as the plugin does: Deepgram bills the audio it
   * receives), and a `Finalize` for every flush.
   */
  async #readInput(): Promise<void> {
    const { sampleRate } = this.#settings;
    const bytes = new AudioByteStream(sampleRate, 1, sampleRate / 10);
    const energy = new AudioEnergyFilter();
    const queue = (frames: AudioFrame[]) => {
      // After a final failure (the output is closed) nothing will send: keep nothing.
      if (this.queue.closed) return;
      for (const frame of frames) {
        if (!energy.pushFrame(frame)) continue;
        const pcm = frame.data.subarray(0, frame.samplesPerChannel);
        this.#outbox.push(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
      }
    };
    try {
      for await (const item of this.input) {
        if (item === stt.SpeechStream.FLUSH_SENTINEL) {
          queue(bytes.flush());
          this.#outbox.push('finalize');
        } else {
          // Only the frame's own samples: its array may be a view into a larger buffer.
          const data = monoSamples(item);
          queue(bytes.write(data));
        }
        this.#wake?.();
      }
      queue(bytes.flush());
    } finally {
      this.#inputEnded = true;
      this.#wake?.();
    }
  }

  /** One connection: sends the outbox, handles results, ends when Deepgram closes it. */
  async #session(ws: WebSocket): Promise<void> {
    const signal = this.abortSignal;
    let closeStreamSent = false;
    let lastSendAt = Date.now();
    let ended = false;
    let finish!: (error?: Error) => void;
    const over = new Promise<void>((resolve, reject) => {
      finish = (error) => {
        if (ended) return;
        ended = true;
        this.#wake?.();
        if (error) reject(error);
        else resolve();
      };
    });
    const send = (data: Buffer | string) => {
      ws.send(data);
      lastSendAt = Date.now();
    };

    ws.on('message', (data, isBinary) => {
      if (isBinary || signal.aborted) return;
      try {
        this.#onMessage(JSON.parse(data.toString()) as Record<string, unknown>);
      } catch (error) {
        finish(
          new APIError(`Deepgram STT sent a message Parley cannot read: ${(error as Error).message}`, {
            retryable: false,
          }),
        );
      }
    });
    ws.on('error', () => undefined); // always followed by 'close', which decides
    ws.on('close', (code, reason) => {
      // After CloseStream the connection has done its work whichever way it ends: a new one
      // could not bring back results Deepgram did not send.
      if (signal.aborted || closeStreamSent) return finish();
      finish(closeError(code, reason.toString()));
    });
    const onAbort = () => {
      // The caller is gone (barge-in, call ended): no CloseStream, no waiting for results.
      ws.close(1000);
      finish();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const keepalive = setInterval(() => {
      if (Date.now() - lastSendAt >= KEEPALIVE_MS - 500 && ws.readyState === WebSocket.OPEN) {
        send(JSON.stringify({ type: 'KeepAlive' }));
      }
    }, KEEPALIVE_MS / 2);
    let closeTimer: NodeJS.Timeout | undefined;

    const sender = async () => {
      while (!ended && ws.readyState === WebSocket.OPEN) {
        const packet = this.#outbox.shift();
        if (packet === 'finalize') send(JSON.stringify({ type: 'Finalize' }));
        else if (packet) {
          send(packet);
          this.#reportUsage(packet.byteLength / 2 / this.#settings.sampleRate);
        } else if (this.#inputEnded) {
          send(JSON.stringify({ type: 'CloseStream' }));
          closeStreamSent = true;
          // Deepgram answers the last results and Metadata, then closes; a server that does not
          // close is not waited on longer than a handshake would be.
          closeTimer = setTimeout(() => {
            ws.terminate();
            finish();
          }, this.#timeoutMs);
          return;
        } else {
          await new Promise<void>((resolve) => (this.#wake = resolve));
          this.#wake = undefined;
        }
      }
    };

    try {
      await Promise.all([sender(), over]);
    } finally {
      clearInterval(keepalive);
      clearTimeout(closeTimer);
      signal.removeEventListener('abort', onAbort);
      ws.removeAllListeners('message');
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
    }
  }

  #put(event: stt.SpeechEvent): void {
    if (!this.queue.closed) this.queue.put(event);
  }

  #onMessage(message: Record<string, unknown>): void {
    switch (message.type) {
      case 'SpeechStarted':
        this.#startOfSpeech();
        break;
      case 'Results': {
        const results = message as unknown as DeepgramResults;
        this.#requestId = results.metadata?.request_id ?? this.#requestId;
        const { language, punctuate, smartFormat } = this.#settings;
        const [first, ...rest] = resultsToSpeechData(
          results,
          language,
          this.startTimeOffset,
          punctuate || smartFormat,
        );
        if (first?.text) {
          this.#startOfSpeech();
          this.#put({
            type: results.is_final
              ? stt.SpeechEventType.FINAL_TRANSCRIPT
              : stt.SpeechEventType.INTERIM_TRANSCRIPT,
            requestId: this.#requestId,
            alternatives: [first, ...rest],
          });
        }
        if (results.speech_final) this.#endOfSpeech();
        break;
      }
      case 'UtteranceEnd':
        this.#endOfSpeech();
        break;
      case 'Metadata':
        this.#requestId = typeof message.request_id === 'string' ? message.request_id : this.#requestId;
        break;
      case 'Error':
        throw new Error(`Deepgram STT error: ${String(message.description ?? JSON.stringify(message))}`);
      default:
        // Newer message types are not errors; they are ignored as the plugin ignores them.
        break;
    }
  }

  #startOfSpeech(): void {
    if (this.#speaking) return;
    this.#speaking = true;
    this.#put({ type: stt.SpeechEventType.START_OF_SPEECH, requestId: this.#requestId });
  }

  #endOfSpeech(): void {
    if (!this.#speaking) return;
    this.#speaking = false;
    this.#put({ type: stt.SpeechEventType.END_OF_SPEECH, requestId: this.#requestId });
  }

  /** Adds sent audio; reports it once a period has accumulated (or now, for `seconds` = 0). */
  #reportUsage(seconds: number): void {
    this.#unreportedSeconds += seconds;
    const due = seconds === 0 ? this.#unreportedSeconds > 0 : this.#unreportedSeconds >= USAGE_PERIOD_SECONDS;
    if (!due) return;
    this.#put({
      type: stt.SpeechEventType.RECOGNITION_USAGE,
      requestId: this.#requestId,
      recognitionUsage: { audioDuration: this.#unreportedSeconds },
    });
    this.#unreportedSeconds = 0;
  }
}

/** A frame's first channel, without the bytes beyond its samples. */
function monoSamples(frame: AudioFrame): Int16Array {
  const { data, channels, samplesPerChannel } = frame;
  if (channels === 1) return data.subarray(0, samplesPerChannel);
  const mono = new Int16Array(samplesPerChannel);
  for (let i = 0; i < samplesPerChannel; i++) mono[i] = data[i * channels]!;
  return mono;
}

/**
 * Why Deepgram (or the network) closed a connection the stream still needed. 1008 is Deepgram
 * refusing the audio itself (`DATA-0000`: it cannot be decoded), which a new connection would not
 * fix; everything else (1006 drop, 1011 `NET-0001` idle timeout or server error, 1001/1012
 * restarts) is worth reconnecting for.
 */
function closeError(code: number, reason: string): APIError {
  const detail = `code ${code}${reason ? `, ${reason}` : ''}`;
  if (code === 1008) {
    return new APIError(`Deepgram STT refused the audio (${detail})`, { retryable: false });
  }
  return new APIConnectionError({ message: `Deepgram STT connection closed unexpectedly (${detail})` });
}
