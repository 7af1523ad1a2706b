/**
 * Streaming Aura synthesis over the `/v1/speak` websocket: text in (an LLM's deltas), audio out.
 *
 * The protocol is the plugin's (`Speak` per sentence, `Flush`, binary linear16 back, `Flushed`,
 * `Close`), with three differences from the plugin's `SynthesizeStream`: the handshake is bounded
 * by `timeoutMs` and its failures are API errors (the plugin hangs on a silent server and throws a
 * plain `Error` for a 401 or 429, which the framework neither classifies nor retries); every flush
 * of the input is a Deepgram `Flush`, so each segment's audio starts without waiting for the rest
 * of the reply; and the last frame of each segment carries `final: true`. A connection lost
 * between segments is retried (the next one takes the text that follows); lost while Deepgram owes
 * audio, the failure is final, since a retry would speak part of a segment twice.
 */
import {
  APIConnectionError,
  type APIConnectOptions,
  APIError,
  APITimeoutError,
  AudioByteStream,
  log,
  shortuuid,
  tts,
} from '@livekit/agents';
import WebSocket from 'ws';
import { SentenceBuffer } from '../flite/sentences.ts';
import { openDeepgramSocket } from './connect.ts';
import { speakUrl, type SpeakSettings } from './speak-options.ts';

/** Marks the end of a segment (a flush of the input) in the outbox. */
const SEGMENT_END = Symbol('segment end');

/** The {@link DeepgramTTS.stream} implementation. */
export class DeepgramSpeakStream extends tts.SynthesizeStream {
  label = 'deepgram.SynthesizeStream';
  readonly #settings: SpeakSettings;
  /** Sentences and segment ends read from the input and not yet sent on a connection. */
  #outbox: (string | typeof SEGMENT_END)[] = [];
  #inputEnded = false;
  /** The input is read by one task for the stream's life, whatever the connection attempts. */
  #reading = false;
  /** Wakes the sender of the open connection when the outbox or the input state changes. */
  #wake: (() => void) | undefined;

  constructor(owner: tts.TTS, settings: SpeakSettings, connOptions?: APIConnectOptions) {
    super(owner, connOptions);
    this.#settings = settings;
  }

  /**
   * Splits the input into sentences (one `Speak` each, as the plugin sends them) for whichever
   * connection is open; a connection that fails before sending anything leaves them for the next.
   */
  async #readInput(): Promise<void> {
    const sentences = new SentenceBuffer();
    const queue = (text: string | undefined) => text && this.#outbox.push(text);
    try {
      for await (const input of this.input) {
        if (input === tts.SynthesizeStream.FLUSH_SENTINEL) {
          queue(sentences.flush());
          this.#outbox.push(SEGMENT_END);
        } else {
          for (const sentence of sentences.push(input)) queue(sentence);
        }
        this.#wake?.();
      }
      queue(sentences.flush());
      this.#outbox.push(SEGMENT_END);
    } finally {
      this.#inputEnded = true;
      this.#wake?.();
    }
  }

  protected async run(): Promise<void> {
    if (!this.#reading) {
      this.#reading = true;
      // A failure ends the input (see its finally): what was read is still sent, then closed.
      this.#readInput().catch((error: unknown) =>
        log().error({ error }, `${this.label}: reading input failed`),
      );
    }
    // The socket opens before any input is read, so a refused or failed handshake can be retried
    // without losing text.
    const ws = await openDeepgramSocket(speakUrl(this.#settings, 'ws'), {
      what: 'Deepgram TTS',
      apiKey: this.#settings.apiKey,
      timeoutMs: this.connOptions.timeoutMs,
      signal: this.abortSignal,
    });
    await this.#session(ws);
  }

  async #session(ws: WebSocket): Promise<void> {
    const signal = this.abortSignal;
    const { timeoutMs } = this.connOptions;
    const bytes = new AudioByteStream(this.#settings.sampleRate, 1);
    /** Segments flushed to Deepgram whose `Flushed` has not arrived, oldest first. */
    const flushed: string[] = [];
    let segmentId = shortuuid('dg_');
    let segmentHasText = false;
    let requestId = shortuuid('dg_');
    let inputDone = false;
    let idle: NodeJS.Timeout | undefined;
    let ended = false;
    let finish!: (error?: Error) => void;
    const over = new Promise<void>((resolve, reject) => {
      finish = (error) => {
        if (ended) return;
        ended = true;
        clearTimeout(idle);
        this.#wake?.();
        if (error) {
          // What arrived before a failure is played; only the rest is lost.
          release(false);
          reject(error);
        } else {
          resolve();
        }
      };
    });
    /**
     * Whether Deepgram owes audio for text it was sent. A failure then is final: a new connection
     * would have to speak part of a segment again. Between segments the next connection simply
     * takes the text that follows.
     */
    const owed = () => flushed.length > 0 || segmentHasText;
    const lost = (message: string) =>
      new APIConnectionError({ message: `Deepgram TTS ${message}`, options: { retryable: !owed() } });
    let held: tts.SynthesizedAudio | undefined;
    /** While audio is owed, silence longer than `timeoutMs` fails the stream. */
    const watch = () => {
      clearTimeout(idle);
      if (flushed.length === 0) return;
      idle = setTimeout(
        () =>
          finish(
            new APITimeoutError({
              message: `Deepgram TTS: no audio within ${timeoutMs} ms`,
              options: { retryable: !owed() },
            }),
          ),
        timeoutMs,
      );
    };
    const put = (item: tts.SynthesizedAudio | typeof tts.SynthesizeStream.END_OF_STREAM) => {
      if (!this.queue.closed && !signal.aborted) this.queue.put(item);
    };
    const release = (final: boolean) => {
      if (held) put({ ...held, final });
      held = undefined;
    };
    const emit = (frames: ReturnType<AudioByteStream['write']>) => {
      for (const frame of frames) {
        release(false);
        const id = flushed[0] ?? segmentId;
        held = { requestId, segmentId: id, frame, final: false };
      }
    };
    const speak = (text: string | undefined) => {
      if (!text || ended) return;
      this.markStarted();
      ws.send(JSON.stringify({ type: 'Speak', text: `${text} ` }));
      segmentHasText = true;
    };
    const endSegment = () => {
      if (!segmentHasText || ended) return;
      ws.send(JSON.stringify({ type: 'Flush' }));
      flushed.push(segmentId);
      segmentId = shortuuid('dg_');
      segmentHasText = false;
      watch();
    };
    const maybeDone = () => {
      if (inputDone && flushed.length === 0) finish();
    };

    ws.on('message', (data, isBinary) => {
      if (ended || signal.aborted) return;
      if (isBinary) {
        emit(bytes.write(data as Buffer));
        watch();
        return;
      }
      let message: { type?: string; request_id?: string; description?: string; warn_msg?: string };
      try {
        message = JSON.parse(data.toString()) as typeof message;
      } catch {
        return finish(new APIError('Deepgram TTS sent a message Parley cannot read', { retryable: false }));
      }
      switch (message.type) {
        case 'Metadata':
          requestId = message.request_id ?? requestId;
          break;
        case 'Flushed':
          emit(bytes.flush());
          release(true);
          flushed.shift();
          watch();
          maybeDone();
          break;
        case 'Warning':
          log().warn({ warning: message.description ?? message.warn_msg }, 'Deepgram TTS warning');
          break;
        case 'Error':
        case 'error':
          finish(
            new APIError(`Deepgram TTS error: ${message.description ?? JSON.stringify(message)}`, {
              body: message,
              retryable: !owed(),
            }),
          );
          break;
        default:
          break;
      }
    });
    ws.on('error', () => undefined); // always followed by 'close', which decides
    ws.on('close', (code, reason) => {
      if (signal.aborted) return finish();
      finish(lost(`connection closed unexpectedly (code ${code}${reason.length ? `, ${reason}` : ''})`));
    });
    const onAbort = () => finish();
    signal.addEventListener('abort', onAbort, { once: true });

    const sender = async () => {
      while (!ended) {
        const item = this.#outbox.shift();
        if (item === SEGMENT_END) endSegment();
        else if (item !== undefined) speak(item);
        else if (this.#inputEnded) {
          inputDone = true;
          return maybeDone();
        } else {
          await new Promise<void>((resolve) => (this.#wake = resolve));
          this.#wake = undefined;
        }
      }
    };

    try {
      await Promise.all([sender(), over]);
      put(tts.SynthesizeStream.END_OF_STREAM);
    } finally {
      finish();
      signal.removeEventListener('abort', onAbort);
      ws.removeAllListeners('message');
      ws.removeAllListeners('close');
      if (ws.readyState === WebSocket.OPEN) {
        // Aborted (barge-in): stop at once. Done: tell Deepgram, which then closes its side.
        if (!signal.aborted) ws.send(JSON.stringify({ type: 'Close' }));
        ws.close(1000);
      } else if (ws.readyState === WebSocket.CONNECTING) {
        ws.terminate();
      }
    }
  }
}
