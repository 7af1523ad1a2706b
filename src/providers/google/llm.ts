/**
 * Gemini (the Gemini API's `streamGenerateContent`) as Parley's LLM: the plugin's `google.LLM`
 * pointed at the organization's API origin, with two gaps of the 1.9 plugin closed.
 *
 *  - Cancellation: the plugin never hands the SDK an abort signal, so closing a stream (the caller
 *    interrupted the agent) leaves the request running to its last token. Each stream here gets a
 *    signal that follows the stream's own abort, and what the aborted request throws afterwards is
 *    dropped: it is the consumer's doing, not a provider failure worth an `error` event (which the
 *    AgentSession would count towards closing the call).
 *  - Prewarm: the plugin lists models through a client built without the base URL, i.e. always at
 *    Google; here it goes to the configured origin.
 */
import { GoogleGenAI } from '@google/genai';
import * as google from '@livekit/agents-plugin-google';
import { installApiErrorCodeAlias } from './api-error-code.ts';

export interface GeminiLLMOptions {
  model: string;
  apiKey: string;
  /** API origin, e.g. `https://generativelanguage.googleapis.com` (the SDK appends `/v1beta/…`). */
  baseUrl: string;
  temperature?: number;
}

type ChatOptions = Parameters<google.LLM['chat']>[0];

/** `google.LLM` with cancellation and prewarm on {@link GeminiLLMOptions.baseUrl}. */
export class GeminiLLM extends google.LLM {
  readonly #prewarmClient: GoogleGenAI;

  constructor(options: GeminiLLMOptions) {
    installApiErrorCodeAlias();
    super({
      model: options.model,
      apiKey: options.apiKey,
      // Explicit, so the plugin does not read GOOGLE_GENAI_USE_VERTEXAI from the environment.
      vertexai: false,
      temperature: options.temperature,
      httpOptions: { baseUrl: options.baseUrl },
    });
    this.#prewarmClient = new GoogleGenAI({
      apiKey: options.apiKey,
      vertexai: false,
      httpOptions: { baseUrl: options.baseUrl },
    });
  }

  protected override async _prewarmImpl(signal: AbortSignal): Promise<void> {
    await this.#prewarmClient.models.list({ config: { pageSize: 1, abortSignal: signal } });
  }

  override chat(options: ChatOptions): google.LLMStream {
    const abort = new AbortController();
    const given = options.extraKwargs?.abortSignal;
    const signal = given instanceof AbortSignal ? AbortSignal.any([given, abort.signal]) : abort.signal;
    const stream = super.chat({ ...options, extraKwargs: { ...options.extraKwargs, abortSignal: signal } });
    // `abortController` (aborted by `close()`) and `run` (the plugin's request, re-invoked by the
    // base class on retries) are protected; the base class first calls `run` on a later tick, so
    // replacing it here covers every attempt.
    const internals = stream as unknown as { run(): Promise<void>; abortController: AbortController };
    const closed = internals.abortController.signal;
    closed.addEventListener('abort', () => abort.abort(), { once: true });
    const run = internals.run.bind(stream);
    internals.run = async () => {
      try {
        await run();
      } catch (err) {
        if (closed.aborted) return;
        throw err;
      }
    };
    return stream;
  }
}
