/**
 * One-shot Aura synthesis: `POST /v1/speak` with `{"text": …}`, raw linear16 streamed back.
 *
 * Replaces the plugin's `ChunkedStream`, which sends the request with `node:https` to port 443
 * of the base URL's host whatever its scheme and port (a self-hosted `http://host:8080` is
 * unreachable) and reports failures as plain `Error`s the framework never retries.
 */
import {
  APIConnectionError,
  type APIConnectOptions,
  APITimeoutError,
  AudioByteStream,
  DEFAULT_API_CONNECT_OPTIONS,
  shortuuid,
  tts,
} from '@livekit/agents';
import { deepgramStatusError } from './errors.ts';
import { speakUrl, type SpeakSettings } from './speak-options.ts';

/** The {@link DeepgramTTS.synthesize} implementation. */
export class DeepgramSpeakRequest extends tts.ChunkedStream {
  label = 'deepgram.ChunkedStream';
  readonly #settings: SpeakSettings;
  readonly #timeoutMs: number;

  constructor(
    text: string,
    owner: tts.TTS,
    settings: SpeakSettings,
    connOptions?: APIConnectOptions,
    abortSignal?: AbortSignal,
  ) {
    super(text, owner, connOptions, abortSignal);
    this.#settings = settings;
    this.#timeoutMs = (connOptions ?? DEFAULT_API_CONNECT_OPTIONS).timeoutMs;
    // The base class reports a final failure as an `error` event and ends the output, then lets
    // the promise of its retry loop reject with nobody reading it (agents 1.9
    // src/tts/tts.ts:764): an unhandled rejection, which the agents job process only logs but
    // which ends any other node process (and fails a node:test test). Its scheduled call reads
    // `this.mainTask` after this constructor has run, so this wrapper is what runs.
    const self = this as unknown as { mainTask: () => Promise<void> };
    const mainTask = self.mainTask.bind(this);
    self.mainTask = () => mainTask().catch(() => undefined);
  }

  /**
   * `timeoutMs` bounds the wait for the response and every gap between body chunks. Failures
   * before any audio went out are retryable; after, they are not, since a retry would speak the
   * beginning again.
   */
  protected async run(): Promise<void> {
    const { apiKey, sampleRate } = this.#settings;
    const timeoutMs = this.#timeoutMs;
    const watchdog = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => watchdog.abort(), timeoutMs);
    };
    const signal = AbortSignal.any([this.abortSignal, watchdog.signal]);
    let emitted = false;
    let held: tts.SynthesizedAudio | undefined;
    const failure = (stage: string, error: unknown) => {
      // What arrived before the failure is played; only the rest is lost.
      if (held && !this.abortSignal.aborted) this.queue.put(held);
      held = undefined;
      const retryable = !emitted;
      if (watchdog.signal.aborted) {
        return new APITimeoutError({
          message: `Deepgram TTS: no ${stage} within ${timeoutMs} ms`,
          options: { retryable },
        });
      }
      return new APIConnectionError({
        message: `Deepgram TTS ${stage} failed: ${(error as Error).message}`,
        options: { retryable },
      });
    };
    arm();
    try {
      let res: Response;
      try {
        res = await fetch(speakUrl(this.#settings, 'rest'), {
          method: 'POST',
          headers: { Authorization: `Token ${apiKey}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ text: this.inputText }),
          signal,
        });
      } catch (error) {
        if (this.abortSignal.aborted) return;
        throw failure('response', error);
      }
      const requestId = res.headers.get('dg-request-id') ?? shortuuid('dg_');
      if (!res.ok || !res.body) {
        const body = await res.text().catch(() => '');
        throw deepgramStatusError('Deepgram TTS', res.status, body, requestId);
      }
      const bytes = new AudioByteStream(sampleRate, 1);
      const push = (frames: ReturnType<AudioByteStream['write']>) => {
        for (const frame of frames) {
          if (held) this.queue.put(held);
          held = { requestId, segmentId: requestId, frame, final: false };
          emitted = true;
        }
      };
      const reader = res.body.getReader();
      try {
        for (let r = await reader.read(); !r.done; r = await reader.read()) {
          arm();
          push(bytes.write(r.value));
        }
      } catch (error) {
        if (this.abortSignal.aborted) return;
        throw failure('audio', error);
      }
      if (this.abortSignal.aborted) return;
      push(bytes.flush());
      // The last frame is held back so that it can carry final: true.
      if (held) this.queue.put({ ...held, final: true });
    } finally {
      clearTimeout(timer);
    }
  }
}
