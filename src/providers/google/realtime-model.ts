/**
 * Gemini Live as Parley's speech-to-speech model: the plugin's `RealtimeModel`, with its sessions
 * guarded (see live-connect-guard.ts), its errors typed, and a text-only mode that works on the
 * native-audio models.
 */
import { Modality } from '@google/genai';
import { log, type APIConnectOptions, type llm } from '@livekit/agents';
import * as google from '@livekit/agents-plugin-google';
import { installLiveConnectGuard } from './live-connect-guard.ts';
import { liveSessionContext, type LiveSessionContext, type LiveSessionInternals } from './live-context.ts';

/**
 * Live models that still take `responseModalities: ['TEXT']`. The native-audio models (every
 * current one) close the socket with 1007 on a text-only setup, so for them text-only means audio
 * on the wire, the output transcription as the text, and the audio dropped.
 */
const TEXT_RESPONSE_MODELS = new Set(['gemini-live-2.5-flash-preview', 'gemini-2.0-flash-live-001']);

export interface GeminiRealtimeOptions {
  model: string;
  apiKey: string;
  /** API origin, e.g. `https://generativelanguage.googleapis.com`; the SDK derives `wss://…/ws/…`. */
  baseUrl: string;
  /** Prebuilt voice name (Puck, Kore, …). */
  voice: string;
  /** BCP-47 language of the conversation. */
  language?: string;
  temperature?: number;
  /**
   * The model reasons and answers in text, another TTS speaks (Parley's hybrid half-cascade): the
   * model reports no audio output, so the AgentSession sends its text to the agent's TTS.
   */
  textOnly?: boolean;
  instructions?: string;
  connOptions?: APIConnectOptions;
}

/** The plugin's `RealtimeModel` with {@link GeminiRealtimeOptions}. */
export class GeminiRealtimeModel extends google.realtime.RealtimeModel {
  readonly #dropAudio: boolean;

  constructor(options: GeminiRealtimeOptions) {
    installLiveConnectGuard();
    const textOnly = options.textOnly === true;
    super({
      model: options.model,
      apiKey: options.apiKey,
      // Explicit, so the plugin does not fall back to GOOGLE_* variables of the worker's environment.
      vertexai: false,
      voice: options.voice,
      language: options.language,
      temperature: options.temperature,
      instructions: options.instructions,
      // The modality decides the plugin's `audioOutput` capability, which the AgentSession reads.
      modalities: [textOnly ? Modality.TEXT : Modality.AUDIO],
      httpOptions: { baseUrl: options.baseUrl },
      connOptions: options.connOptions,
    });
    this.#dropAudio = textOnly && !TEXT_RESPONSE_MODELS.has(options.model);
    if (this.#dropAudio) this._options.responseModalities = [Modality.AUDIO];
  }

  override session() {
    const context: LiveSessionContext = { dropAudio: this.#dropAudio, closed: false };
    // The session's connection loop starts in its constructor and inherits this context.
    const session = liveSessionContext.run(context, () => super.session());
    const internals = session as unknown as LiveSessionInternals;
    const label = this.label();
    internals.emitError = (error: Error, recoverable: boolean) => {
      // The plugin's events carry no `type`; the AgentSession (and hybrid mode's fallback) only
      // recognise realtime failures by `type: 'realtime_model_error'`.
      const event: llm.RealtimeModelError = {
        type: 'realtime_model_error',
        timestamp: Date.now(),
        label,
        error,
        recoverable,
      };
      // An 'error' event nobody listens to throws: after its owner let go of the session, a late
      // failure must not take the process down.
      if (session.listenerCount('error') === 0) {
        log().warn({ err: error, recoverable }, 'Gemini Live session error with no listener');
        return;
      }
      session.emit('error', event);
    };
    const close = session.close.bind(session);
    session.close = async () => {
      context.closed = true;
      await close();
    };
    context.session = internals;
    return session;
  }
}
