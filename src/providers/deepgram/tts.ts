/**
 * Deepgram Aura text-to-speech for Parley: linear16 mono at the voice's sample rate, streamed
 * over the `/v1/speak` websocket ({@link DeepgramSpeakStream}) or requested in one piece over
 * REST ({@link DeepgramSpeakRequest}).
 *
 * Both replace the plugin's streams (`@livekit/agents-plugin-deepgram` 1.9 `TTS`), whose REST
 * request ignores the base URL's scheme and port and whose handshake failures are neither timed
 * out nor classified; the wire protocol, defaults and limits are the plugin's.
 */
import { type APIConnectOptions, tts } from '@livekit/agents';
import { DeepgramSpeakRequest } from './speak-request.ts';
import { DEFAULT_AURA_VOICE, type SpeakSettings } from './speak-options.ts';
import { DeepgramSpeakStream } from './speak-stream.ts';
import { deepgramOrigins } from './urls.ts';

/** What {@link DeepgramTTS} is built with. */
export interface DeepgramTTSOptions {
  apiKey: string;
  /** The organization's Deepgram origin (`https://api.deepgram.com` when unset). */
  baseUrl?: string;
  /** Aura voice id, e.g. `aura-2-thalia-en` (the default). */
  voice?: string;
  /** Output rate: 8000, 16000, 24000 (default), 32000 or 48000 Hz. */
  sampleRate?: number;
  /** Speaking rate, 0.7–1.5. */
  speed?: number;
  mipOptOut?: boolean;
}

const SAMPLE_RATES = [8000, 16000, 24000, 32000, 48000];

/** Deepgram Aura speech: `stream()` over the websocket, `synthesize()` over REST. */
export class DeepgramTTS extends tts.TTS {
  label = 'deepgram.TTS';
  readonly #settings: SpeakSettings;

  constructor(options: DeepgramTTSOptions) {
    const sampleRate = options.sampleRate ?? 24_000;
    if (!SAMPLE_RATES.includes(sampleRate)) {
      throw new Error(`Deepgram Aura speaks linear16 at ${SAMPLE_RATES.join(', ')} Hz, not ${sampleRate}.`);
    }
    if (options.speed !== undefined && (options.speed < 0.7 || options.speed > 1.5)) {
      throw new Error(`Deepgram TTS speed must be between 0.7 and 1.5, got ${options.speed}.`);
    }
    super(sampleRate, 1, { streaming: true });
    this.#settings = {
      apiKey: options.apiKey,
      origins: deepgramOrigins(options.baseUrl),
      voice: options.voice ?? DEFAULT_AURA_VOICE,
      sampleRate,
      speed: options.speed,
      mipOptOut: options.mipOptOut ?? false,
    };
  }

  override get model(): string {
    return this.#settings.voice;
  }

  override get provider(): string {
    return 'Deepgram';
  }

  synthesize(text: string, connOptions?: APIConnectOptions, abortSignal?: AbortSignal): DeepgramSpeakRequest {
    return new DeepgramSpeakRequest(text, this, this.#settings, connOptions, abortSignal);
  }

  stream(options?: { connOptions?: APIConnectOptions }): DeepgramSpeakStream {
    return new DeepgramSpeakStream(this, this.#settings, options?.connOptions);
  }
}
