/**
 * One `/v1/listen` websocket of the Deepgram fake: live transcription as Deepgram documents it.
 *
 * Binary messages are linear16 audio at the connection's `sample_rate` (resampled to 16 kHz for
 * pocketsphinx). While speech goes on the client gets `SpeechStarted` (`vad_events=true`) and
 * interim `Results` (`interim_results=true`, `is_final: false`); when the recognizer hears the
 * end of the utterance (`endSilenceMs` of silence) a final `Results` with `is_final: true` and
 * `speech_final: true` (false with `endpointing=false`), then `UtteranceEnd` when
 * `utterance_end_ms` is set. `Finalize` ends the current utterance at once (`from_finalize: true`,
 * `speech_final: false`); `CloseStream` finalizes, sends `Metadata` and closes with 1000;
 * `KeepAlive` only keeps the connection open. Without audio or messages for `idleTimeoutMs` the
 * connection is closed with 1011 `NET-0001`, as Deepgram does after 10 s.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { Pcm16Resampler } from '../../src/audio/resample.ts';
import type { RecognizerStream } from '../../src/providers/pocketsphinx/recognizer.ts';
import type { DeepgramRequestRecord, FakeContext } from './deepgram.ts';
import {
  alternative,
  checkListenModel,
  DeepgramHttpError,
  FAKE_MODEL_UUID,
  isOn,
} from './deepgram-protocol.ts';

const RATE = 16_000;

/** What the connection was opened with. */
export interface ListenQuery {
  model: string;
  language: string;
  sampleRate: number;
  channels: number;
  interimResults: boolean;
  vadEvents: boolean;
  punctuate: boolean;
  endpointing: boolean;
  utteranceEndMs?: number;
}

/** Serves one accepted `/v1/listen` websocket. */
export class ListenSession {
  readonly #ws: WebSocket;
  readonly #rec: DeepgramRequestRecord;
  readonly #q: ListenQuery;
  readonly #ctx: FakeContext;
  readonly #requestId = randomUUID();
  readonly #drop: boolean;
  #stream?: RecognizerStream;
  #resampler?: Pcm16Resampler;
  /** Sends in order; transcripts wait for the configured latency. */
  #out: Promise<void> = Promise.resolve();
  #inSpeech = false;
  #finalizing = false;
  #closing = false;
  #completed = false;
  #serverClosed = false;
  #samplesIn = 0;
  #finals: string[] = [];
  #idle?: NodeJS.Timeout;

  /** The query as Deepgram reads it; a 400 (before the upgrade) for what it would refuse. */
  static settings(query: Record<string, string[]>): ListenQuery {
    const model = query.model?.[0] ?? 'base';
    checkListenModel(model);
    const encoding = query.encoding?.[0];
    if (encoding !== undefined && encoding !== 'linear16') {
      throw new DeepgramHttpError(400, `The fake decodes encoding=linear16 only, not ${encoding}.`);
    }
    const sampleRate = Number(query.sample_rate?.[0] ?? RATE);
    if (encoding && !(sampleRate >= 8000 && sampleRate <= 48000)) {
      throw new DeepgramHttpError(400, `Invalid sample_rate ${query.sample_rate?.[0]}.`);
    }
    const utteranceEnd = query.utterance_end_ms?.[0];
    return {
      model,
      language: query.language?.[0] ?? 'en',
      sampleRate,
      channels: Number(query.channels?.[0] ?? 1),
      interimResults: isOn(query, 'interim_results'),
      vadEvents: isOn(query, 'vad_events'),
      punctuate: isOn(query, 'punctuate') || isOn(query, 'smart_format'),
      endpointing: query.endpointing?.[0] !== 'false',
      ...(utteranceEnd !== undefined ? { utteranceEndMs: Number(utteranceEnd) } : {}),
    };
  }

  constructor(ws: WebSocket, rec: DeepgramRequestRecord, q: ListenQuery, ctx: FakeContext) {
    this.#ws = ws;
    this.#rec = rec;
    this.#q = q;
    this.#ctx = ctx;
    this.#drop = ctx.takeDrop();
  }

  start(): void {
    const ws = this.#ws;
    if (this.#q.sampleRate !== RATE) this.#resampler = new Pcm16Resampler(this.#q.sampleRate, RATE);
    this.#stream = this.#ctx.recognizer().openStream({
      onSpeechStart: (startSample) => {
        this.#inSpeech = true;
        if (this.#q.vadEvents) {
          this.#send({ type: 'SpeechStarted', channel: [0, 1], timestamp: startSample / RATE });
        }
      },
      onInterim: (text, startSample, endSample) => {
        if (this.#q.interimResults && text) this.#results(text, startSample, endSample, false);
      },
      onFinal: (result) => {
        this.#inSpeech = false;
        const fromFinalize = this.#finalizing || this.#closing;
        this.#finalizing = false;
        const text = result.text ? this.#ctx.transcriptFor(result.text, this.#q.model) : '';
        if (!text && !fromFinalize) return;
        if (text) {
          this.#finals.push(text);
          this.#rec.text = this.#finals.join(' ');
        }
        this.#results(text, result.startSample, result.endSample, true, fromFinalize);
        if (text && this.#q.utteranceEndMs !== undefined && this.#q.interimResults) {
          this.#send({ type: 'UtteranceEnd', channel: [0, 1], last_word_end: result.endSample / RATE });
        }
      },
      onError: () => this.#close(1011, 'NET-0000: internal error while processing audio'),
    });
    this.#touch();
    ws.on('message', (data, isBinary) => {
      this.#touch();
      if (isBinary) return this.#audio(data as Buffer);
      let message: { type?: unknown };
      try {
        message = JSON.parse(data.toString()) as { type?: unknown };
      } catch {
        return this.#close(1008, 'DATA-0000: text messages must be JSON control messages');
      }
      const type = String(message.type);
      this.#rec.clientMessages.push(type);
      if (type === 'Finalize') {
        if (this.#inSpeech) this.#finalizing = true;
        this.#stream?.flush();
      } else if (type === 'CloseStream') {
        void this.#closeStream();
      } else if (type !== 'KeepAlive') {
        this.#close(1008, `DATA-0000: unknown control message type ${type}`);
      }
    });
    ws.on('close', () => {
      clearTimeout(this.#idle);
      this.#stream?.close();
      this.#rec.doneAt ??= Date.now();
      // The client went away before Deepgram had answered everything.
      if (!this.#completed && !this.#serverClosed && this.#rec.fault !== 'drop') this.#rec.cancelled = true;
    });
    ws.on('error', () => undefined);
  }

  #touch(): void {
    clearTimeout(this.#idle);
    this.#idle = setTimeout(
      () =>
        this.#close(
          1011,
          'NET-0001: Deepgram did not receive audio data or a text message within the timeout window.',
        ),
      this.#ctx.options.idleTimeoutMs,
    );
  }

  #audio(data: Buffer): void {
    if (this.#closing) return;
    const frameBytes = 2 * this.#q.channels;
    const count = Math.floor(data.length / frameBytes);
    let pcm: Int16Array = new Int16Array(count);
    for (let i = 0; i < count; i++) pcm[i] = data.readInt16LE(i * frameBytes); // first channel
    this.#samplesIn += count;
    this.#rec.audioMs = Math.round((this.#samplesIn / this.#q.sampleRate) * 1000);
    if (this.#resampler) pcm = this.#resampler.push(pcm);
    if (pcm.length) this.#stream?.write(pcm);
  }

  async #closeStream(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    const tail = this.#resampler?.flush();
    if (tail?.length) this.#stream?.write(tail);
    await this.#stream?.end();
    this.#send({
      type: 'Metadata',
      transaction_key: 'deprecated',
      request_id: this.#requestId,
      sha256: '0'.repeat(64),
      created: new Date(this.#rec.at).toISOString(),
      duration: this.#samplesIn / this.#q.sampleRate,
      channels: this.#q.channels,
      models: [FAKE_MODEL_UUID],
      model_info: { [FAKE_MODEL_UUID]: this.#modelInfo() },
    });
    await this.#out;
    this.#completed = true;
    this.#close(1000, '');
  }

  #modelInfo() {
    return { name: `general-${this.#q.model}`, version: '2025-01-01.0', arch: this.#q.model };
  }

  #results(
    text: string,
    startSample: number,
    endSample: number,
    isFinal: boolean,
    fromFinalize = false,
  ): void {
    const start = startSample / RATE;
    const end = endSample / RATE;
    this.#send(
      {
        type: 'Results',
        channel_index: [0, 1],
        duration: Math.round((end - start) * 1000) / 1000,
        start,
        is_final: isFinal,
        speech_final: isFinal && !fromFinalize && this.#q.endpointing,
        channel: { alternatives: [alternative(text, start, end, this.#q.punctuate, isFinal)] },
        metadata: { request_id: this.#requestId, model_info: this.#modelInfo(), model_uuid: FAKE_MODEL_UUID },
        from_finalize: fromFinalize,
      },
      true,
    );
  }

  /** Queues a message; transcripts are the "output" the latency and drop knobs act on. */
  #send(message: Record<string, unknown>, transcript = false): void {
    // A streaming recognizer's latency applies to every result, not only the socket's first: each
    // transcript leaves `latencyMs` after the fake recognized it (so at least that long after the
    // connection opened for the first).
    const recognizedAt = Date.now();
    this.#out = this.#out.then(async () => {
      if (transcript) {
        const wait = recognizedAt + this.#ctx.latencyMs - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      if (this.#ws.readyState !== this.#ws.OPEN) return;
      const first = transcript && this.#rec.firstOutputAt === undefined;
      if (first) this.#rec.firstOutputAt = Date.now();
      if (first && this.#drop) {
        this.#rec.fault = 'drop';
        this.#rec.doneAt = Date.now();
        // Cut once the message is on the wire, so the client really has its first output.
        this.#ws.send(JSON.stringify(message), () => this.#ws.terminate());
        return;
      }
      this.#ws.send(JSON.stringify(message));
    });
  }

  #close(code: number, reason: string): void {
    clearTimeout(this.#idle);
    this.#serverClosed = true;
    if (this.#ws.readyState === this.#ws.OPEN) this.#ws.close(code, reason);
  }
}
