/**
 * OpenAI text-to-speech (`POST /audio/speech`, raw 24 kHz PCM), played as the bytes arrive.
 *
 * Parley's own adapter rather than the plugin's `openai.TTS` (1.9), which waits for the whole
 * audio before the first frame plays, reports an HTTP 429 or 5xx as an error the framework does
 * not retry, and reports a barge-in (an aborted request) as an unrecoverable error.
 */
import { type APIConnectOptions, DEFAULT_API_CONNECT_OPTIONS, shortuuid, tts } from '@livekit/agents';
import { settleMainTask } from '../chunked-stream-guard.ts';
import { isCancellation, providerFetch } from '../http-errors.ts';
import { playPcmBody } from '../pcm-body.ts';

export const OPENAI_TTS_SAMPLE_RATE = 24_000;

export interface OpenAITTSOptions {
  apiKey: string;
  /** API root, e.g. `https://api.openai.com/v1`. */
  baseURL: string;
  model: string;
  voice: string;
  speed?: number;
  /** Delivery instructions (gpt-4o-mini-tts only). */
  instructions?: string;
}

export class OpenAITTS extends tts.TTS {
  label = 'openai.TTS';
  readonly #opts: OpenAITTSOptions;

  constructor(opts: OpenAITTSOptions) {
    // Not streaming: the endpoint takes a whole text, so AgentSession feeds it sentence by sentence.
    super(OPENAI_TTS_SAMPLE_RATE, 1, { streaming: false });
    this.#opts = opts;
  }

  override get model(): string {
    return this.#opts.model;
  }

  override get provider(): string {
    return 'openai';
  }

  synthesize(text: string, connOptions?: APIConnectOptions, abortSignal?: AbortSignal): OpenAIChunkedStream {
    return new OpenAIChunkedStream(text, this, this.#opts, connOptions, abortSignal);
  }

  stream(): never {
    throw new Error('OpenAI TTS synthesizes whole texts; use it through tts.StreamAdapter.');
  }
}

export class OpenAIChunkedStream extends tts.ChunkedStream {
  label = 'openai.ChunkedStream';
  readonly #opts: OpenAITTSOptions;
  readonly #timeoutMs: number;

  constructor(
    text: string,
    owner: OpenAITTS,
    opts: OpenAITTSOptions,
    connOptions?: APIConnectOptions,
    abortSignal?: AbortSignal,
  ) {
    super(text, owner, connOptions, abortSignal);
    settleMainTask(this);
    this.#opts = opts;
    this.#timeoutMs = (connOptions ?? DEFAULT_API_CONNECT_OPTIONS).timeoutMs;
  }

  protected async run(): Promise<void> {
    const signal = this.abortSignal;
    const { apiKey, baseURL, model, voice, speed, instructions } = this.#opts;
    const requestId = shortuuid('oai_tts_');
    try {
      const res = await providerFetch('OpenAI', `${baseURL.replace(/\/+$/, '')}/audio/speech`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model,
          voice,
          input: this.inputText,
          response_format: 'pcm',
          ...(speed !== undefined ? { speed } : {}),
          ...(instructions ? { instructions } : {}),
        }),
        timeoutMs: this.#timeoutMs,
        signal,
      });
      await playPcmBody(res.body as unknown as AsyncIterable<Uint8Array>, {
        provider: 'OpenAI',
        sampleRate: OPENAI_TTS_SAMPLE_RATE,
        requestId,
        signal,
        put: (audio) => this.queue.put(audio),
      });
    } catch (err) {
      if (signal.aborted || isCancellation(err)) return;
      throw err;
    }
  }
}
