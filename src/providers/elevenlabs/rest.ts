/**
 * ElevenLabs' REST synthesis (`POST /v1/text-to-speech/{voice_id}/stream`, raw PCM), one whole text
 * per request, played as the bytes arrive: what {@link ElevenLabsTTS.synthesize} returns.
 *
 * Parley's own rather than the plugin's `ChunkedStream` (1.9), whose request has no timeout
 * (tts.js:596-610; the plugin passes it no `connOptions`), so a provider that accepts the
 * connection and never answers holds the stream for undici's 300 s headers timeout. Here the
 * response must start within `connOptions.timeoutMs`, and HTTP errors keep their status (429 and
 * 5xx retryable, the rest not), as the streaming path reports them.
 */
import {
  APIError,
  type APIConnectOptions,
  DEFAULT_API_CONNECT_OPTIONS,
  shortuuid,
  tts,
} from '@livekit/agents';
import type * as elevenlabs from '@livekit/agents-plugin-elevenlabs';
import { settleMainTask } from '../chunked-stream-guard.ts';
import { isCancellation, providerFetch } from '../http-errors.ts';
import { playPcmBody } from '../pcm-body.ts';

/** What a REST synthesis needs; {@link elevenlabsTtsOptions} always sets the required ones. */
export interface ElevenLabsRestOptions {
  apiKey: string;
  /** API root, e.g. `https://api.elevenlabs.io/v1`. */
  baseURL: string;
  voiceId: string;
  model: string;
  /** `pcm_<rate>`. */
  encoding: string;
  voiceSettings?: elevenlabs.VoiceSettings;
  /** BCP 47; ElevenLabs takes the base language (`en`). */
  language?: string;
}

/** The PCM rate of an `output_format` such as `pcm_22050`. */
export function pcmRateOf(encoding: string): number {
  const rate = Number(/^pcm_(\d+)$/.exec(encoding)?.[1]);
  if (!rate) throw new Error(`ElevenLabs REST synthesis needs a pcm_<rate> encoding, not ${encoding}`);
  return rate;
}

export class ElevenLabsChunkedStream extends tts.ChunkedStream {
  label = 'elevenlabs.ChunkedStream';
  readonly #opts: ElevenLabsRestOptions;
  readonly #timeoutMs: number;

  constructor(
    text: string,
    owner: tts.TTS,
    opts: ElevenLabsRestOptions,
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
    const { apiKey, baseURL, voiceId, model, encoding, voiceSettings, language } = this.#opts;
    const rate = pcmRateOf(encoding);
    const requestId = shortuuid('el_tts_');
    const url = `${baseURL.replace(/\/+$/, '')}/text-to-speech/${encodeURIComponent(voiceId)}/stream?output_format=${encoding}`;
    try {
      const res = await providerFetch('ElevenLabs', url, {
        method: 'POST',
        headers: { 'xi-api-key': apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({
          text: this.inputText,
          model_id: model,
          ...(voiceSettings ? { voice_settings: voiceSettings } : {}),
          ...(language ? { language_code: language.split('-')[0]!.toLowerCase() } : {}),
        }),
        timeoutMs: this.#timeoutMs,
        signal,
      });
      const type = res.headers.get('content-type') ?? '';
      if (!type.startsWith('audio/') && !type.startsWith('application/octet-stream')) {
        throw new APIError(`ElevenLabs answered with ${type || 'no content type'}, not audio`, {
          retryable: false,
        });
      }
      await playPcmBody(res.body as unknown as AsyncIterable<Uint8Array>, {
        provider: 'ElevenLabs',
        sampleRate: rate,
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
