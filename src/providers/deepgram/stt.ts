/**
 * Deepgram speech-to-text for Parley: Nova models over the `/v1/listen` websocket.
 *
 * Streaming runs on {@link DeepgramListenStream} rather than the plugin's `SpeechStream`, whose
 * handshake has no timeout and which does not notice a dropped connection (see that file). One-shot
 * recognition (`recognize()`, `POST /v1/listen` with a WAV body) is the plugin's own.
 */
import { type APIConnectOptions, type AudioBuffer, normalizeLanguage, stt } from '@livekit/agents';
import * as deepgram from '@livekit/agents-plugin-deepgram';
import { DeepgramListenStream } from './listen-stream.ts';
import { LISTEN_DEFAULTS, type ListenSettings } from './listen-options.ts';
import { deepgramOrigins } from './urls.ts';

/** What {@link DeepgramSTT} is built with; unset (or undefined) fields take the plugin's defaults. */
export type DeepgramSTTOptions = Partial<Omit<ListenSettings, 'apiKey' | 'wsOrigin'>> & {
  apiKey: string;
  /** The organization's Deepgram origin (`https://api.deepgram.com` when unset). */
  baseUrl?: string;
};

/** Deepgram Nova recognition: streaming over `/v1/listen`, one-shot through the plugin. */
export class DeepgramSTT extends stt.STT {
  label = 'deepgram.STT';
  readonly #settings: ListenSettings;
  readonly #oneShot: deepgram.STT;

  constructor(options: DeepgramSTTOptions) {
    const { baseUrl, ...given } = options;
    const rest = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as typeof given;
    const settings: ListenSettings = {
      ...LISTEN_DEFAULTS,
      model: 'nova-3',
      ...rest,
      language: normalizeLanguage(rest.language ?? 'en-US'),
      wsOrigin: deepgramOrigins(baseUrl).ws,
    };
    super({
      streaming: true,
      interimResults: settings.interimResults,
      alignedTranscript: 'word',
      // Keyterms are fixed per agent (its expected phrases); the framework's session keyterm
      // updates (`_updateSessionKeyterms`) are not applied to open connections.
      keyterms: false,
    });
    this.#settings = settings;
    this.#oneShot = new deepgram.STT({
      apiKey: settings.apiKey,
      // The plugin derives its REST URL from this by replacing the `ws` prefix with `http`.
      baseUrl: settings.wsOrigin,
      model: settings.model,
      language: settings.language,
      punctuate: settings.punctuate,
      smartFormat: settings.smartFormat,
      keyterm: settings.keyterms,
      keywords: settings.keywords,
      profanityFilter: settings.profanityFilter,
      numerals: settings.numerals,
      mipOptOut: settings.mipOptOut,
    });
  }

  override get model(): string {
    return this.#settings.model;
  }

  override get provider(): string {
    return 'Deepgram';
  }

  /** The settings every new stream connects with (the API key is not exposed). */
  get settings(): Readonly<Omit<ListenSettings, 'apiKey'>> {
    const { apiKey: _omitted, ...rest } = this.#settings;
    return rest;
  }

  protected override _recognize(buffer: AudioBuffer, abortSignal?: AbortSignal): Promise<stt.SpeechEvent> {
    return this.#oneShot._recognize(buffer, abortSignal);
  }

  override stream(options?: { connOptions?: APIConnectOptions }): DeepgramListenStream {
    return new DeepgramListenStream(this, this.#settings, options?.connOptions);
  }

  override async close(): Promise<void> {
    await this.#oneShot.close();
  }
}
