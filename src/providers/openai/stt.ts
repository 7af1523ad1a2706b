/**
 * OpenAI speech-to-text through `POST /audio/transcriptions` (whisper-1, gpt-4o-transcribe,
 * gpt-4o-mini-transcribe), one request per utterance: AgentSession cuts the caller's speech with
 * its VAD and sends each utterance here.
 *
 * Parley's own adapter rather than the plugin's `openai.STT` (1.9), which reports HTTP failures
 * as errors without a status or `retryable` flag, so a refused key and a provider outage look the
 * same to the session.
 */
import {
  type AudioBuffer,
  DEFAULT_API_CONNECT_OPTIONS,
  type LanguageCode,
  mergeFrames,
  shortuuid,
  stt,
} from '@livekit/agents';
import { encodeWav } from '../../audio/wav.ts';
import { providerFetch } from '../http-errors.ts';

export interface OpenAISTTOptions {
  apiKey: string;
  /** API root, e.g. `https://api.openai.com/v1`. */
  baseURL: string;
  model: string;
  /** ISO-639-1 language hint, e.g. `en`. */
  language?: string;
  /** Words the caller is likely to say, passed as the transcription prompt. */
  prompt?: string;
  /** Per-request timeout (the framework gives `recognize()` no connect options). */
  timeoutMs?: number;
}

export class OpenAISTT extends stt.STT {
  label = 'openai.STT';
  readonly #opts: OpenAISTTOptions;

  constructor(opts: OpenAISTTOptions) {
    super({ streaming: false, interimResults: false, alignedTranscript: false });
    this.#opts = opts;
  }

  override get model(): string {
    return this.#opts.model;
  }

  override get provider(): string {
    return 'openai';
  }

  protected async _recognize(buffer: AudioBuffer, abortSignal?: AbortSignal): Promise<stt.SpeechEvent> {
    const frame = mergeFrames(buffer);
    const wav = encodeWav({
      samples: new Int16Array(
        frame.data.buffer,
        frame.data.byteOffset,
        frame.samplesPerChannel * frame.channels,
      ),
      sampleRate: frame.sampleRate,
      channels: frame.channels,
    });
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(wav)], { type: 'audio/wav' }), 'speech.wav');
    form.set('model', this.#opts.model);
    form.set('response_format', 'json');
    if (this.#opts.language) form.set('language', this.#opts.language);
    if (this.#opts.prompt) form.set('prompt', this.#opts.prompt);
    const res = await providerFetch(
      'OpenAI',
      `${this.#opts.baseURL.replace(/\/+$/, '')}/audio/transcriptions`,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${this.#opts.apiKey}` },
        body: form,
        timeoutMs: this.#opts.timeoutMs ?? DEFAULT_API_CONNECT_OPTIONS.timeoutMs,
        signal: abortSignal ?? new AbortController().signal,
      },
    );
    const body = (await res.json()) as { text?: unknown };
    const text = typeof body.text === 'string' ? body.text.trim() : '';
    return {
      type: stt.SpeechEventType.FINAL_TRANSCRIPT,
      requestId: shortuuid('oai_stt_'),
      alternatives: [
        {
          language: (this.#opts.language ?? 'en') as LanguageCode,
          text,
          startTime: 0,
          endTime: frame.samplesPerChannel / frame.sampleRate,
          confidence: 1,
        },
      ],
    };
  }

  stream(): never {
    throw new Error('OpenAI transcription works per utterance; AgentSession wraps it with its VAD.');
  }
}
