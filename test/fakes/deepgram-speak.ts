/**
 * One `/v1/speak` websocket of the Deepgram fake: Aura streaming speech as Deepgram documents it.
 *
 * On connect the server sends `Metadata` (`request_id`, `model_name`, …). `{"type":"Speak",
 * "text":…}` adds text to the buffer; `Flush` synthesizes the buffer (flite), sends it as binary
 * linear16 messages at the connection's `sample_rate`, then `{"type":"Flushed","sequence_id":n}`;
 * flushes are served in order. `Clear` drops the buffer and the audio not yet sent and answers
 * `Cleared`; `Close` closes the connection (1000) once the flushed audio went out.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { DeepgramRequestRecord, FakeContext } from './deepgram.ts';
import { FAKE_MODEL_UUID } from './deepgram-protocol.ts';

/** Serves one accepted `/v1/speak` websocket. */
export class SpeakSession {
  readonly #ws: WebSocket;
  readonly #rec: DeepgramRequestRecord;
  readonly #model: string;
  readonly #sampleRate: number;
  readonly #ctx: FakeContext;
  readonly #drop: boolean;
  #buffer = '';
  #sequence = 0;
  /** Flushes not yet answered with `Flushed`. */
  #pending = 0;
  /** Bumped by `Clear`: audio of an older generation is not sent. */
  #generation = 0;
  #work: Promise<void> = Promise.resolve();
  #sentBytes = 0;
  #spoken: string[] = [];

  constructor(
    ws: WebSocket,
    rec: DeepgramRequestRecord,
    settings: { model: string; sampleRate: number },
    ctx: FakeContext,
  ) {
    this.#ws = ws;
    this.#rec = rec;
    this.#model = settings.model;
    this.#sampleRate = settings.sampleRate;
    this.#ctx = ctx;
    this.#drop = ctx.takeDrop();
  }

  start(): void {
    const ws = this.#ws;
    this.#json({
      type: 'Metadata',
      request_id: randomUUID(),
      model_name: this.#model,
      model_version: '2025-04-01.0',
      model_uuid: FAKE_MODEL_UUID,
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        return this.#json({
          type: 'Warning',
          description: 'Binary messages are not accepted.',
          code: 'INVALID_MESSAGE',
        });
      }
      let message: { type?: unknown; text?: unknown };
      try {
        message = JSON.parse(data.toString()) as typeof message;
      } catch {
        return this.#json({ type: 'Warning', description: 'Messages must be JSON.', code: 'INVALID_JSON' });
      }
      const type = String(message.type);
      this.#rec.clientMessages.push(type);
      switch (type) {
        case 'Speak':
          if (typeof message.text !== 'string') {
            this.#json({
              type: 'Warning',
              description: 'Speak needs a text field.',
              code: 'INVALID_MESSAGE',
            });
          } else {
            this.#buffer += message.text;
          }
          break;
        case 'Flush': {
          const text = this.#buffer;
          const sequence = this.#sequence++;
          const generation = this.#generation;
          this.#buffer = '';
          this.#pending++;
          // A failed synthesis (the fake closing) ends this flush; the connection is going anyway.
          this.#work = this.#work.then(() => this.#speak(text, sequence, generation)).catch(() => undefined);
          break;
        }
        case 'Clear':
          if (this.#pending > 0) this.#rec.cancelled = true;
          this.#pending = 0;
          this.#buffer = '';
          this.#generation++;
          this.#work = this.#work.then(() => this.#json({ type: 'Cleared', sequence_id: this.#sequence }));
          break;
        case 'Close':
          this.#work = this.#work.then(() => {
            if (ws.readyState === ws.OPEN) ws.close(1000);
          });
          break;
        default:
          this.#json({
            type: 'Warning',
            description: `Unknown message type ${type}.`,
            code: 'INVALID_MESSAGE',
          });
      }
    });
    ws.on('close', () => {
      this.#rec.doneAt ??= Date.now();
      if (this.#pending > 0 && this.#rec.fault !== 'drop') this.#rec.cancelled = true;
    });
    ws.on('error', () => undefined);
  }

  async #speak(text: string, sequence: number, generation: number): Promise<void> {
    const ws = this.#ws;
    const live = () => ws.readyState === ws.OPEN && generation === this.#generation;
    if (text.trim()) {
      this.#spoken.push(text);
      this.#rec.text = this.#spoken.join('');
      const audio = await this.#ctx.speech(text.trim(), this.#sampleRate);
      const { ttsChunkMs, ttsChunkIntervalMs } = this.#ctx.options;
      const chunkBytes = Math.round((this.#sampleRate * ttsChunkMs) / 1000) * 2;
      for (let o = 0; o < audio.length; o += chunkBytes) {
        if (this.#rec.firstOutputAt === undefined) {
          const wait = this.#rec.at + this.#ctx.latencyMs - Date.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        } else if (ttsChunkIntervalMs > 0) {
          await new Promise((r) => setTimeout(r, ttsChunkIntervalMs));
        }
        if (!live()) break;
        const chunk = audio.subarray(o, o + chunkBytes);
        const first = this.#rec.firstOutputAt === undefined;
        this.#sentBytes += chunk.length;
        this.#rec.audioMs = Math.round((this.#sentBytes / 2 / this.#sampleRate) * 1000);
        this.#rec.firstOutputAt ??= Date.now();
        if (first && this.#drop) {
          this.#rec.fault = 'drop';
          this.#rec.doneAt = Date.now();
          // Cut once the chunk is on the wire, so the client really has its first output.
          ws.send(chunk, () => ws.terminate());
          return;
        }
        ws.send(chunk);
      }
    }
    if (generation !== this.#generation) return; // cleared: the Cleared answer stands for it
    this.#pending--;
    this.#json({ type: 'Flushed', sequence_id: sequence });
  }

  #json(message: Record<string, unknown>): void {
    if (this.#ws.readyState === this.#ws.OPEN) this.#ws.send(JSON.stringify(message));
  }
}
