/**
 * One Gemini Live (`BidiGenerateContent`) websocket of the Google fake, speaking the protocol as
 * `@google/genai` 2.x and `@livekit/agents-plugin-google` 1.9 use it:
 *
 *  - the first client message must be `setup` (model `models/…`, `generationConfig` with one
 *    response modality and a prebuilt voice, `systemInstruction`, `tools`, transcription and
 *    resumption configs); the key is checked then. Failures close the socket the way the Live API
 *    does (1007 invalid argument or bad key, 1008 unknown model or permission, 1011 quota or
 *    internal error); success answers `setupComplete`;
 *  - `realtimeInput.audio` (`audio/pcm`, 16 kHz unless `;rate=` says otherwise) feeds the fake's
 *    own voice activity detection (RMS of 20 ms windows), or `activityStart`/`activityEnd` when
 *    `automaticActivityDetection.disabled`; the end of speech is heard with pocketsphinx, reported
 *    as `inputTranscription`, and answered; speech during a reply interrupts it (`interrupted`);
 *  - `clientContent` turns are appended to the conversation and, with `turnComplete`, answered
 *    (a `model` turn there is how the plugin passes `generateReply` instructions);
 *    `realtimeInput.text` is a user turn; `toolResponse` answers a `toolCall`;
 *  - replies: `serverContent.modelTurn` with `audio/pcm;rate=24000` inline data (flite speech,
 *    100 ms per message) and `outputTranscription` in the same messages, or text parts for the
 *    TEXT modality, then `generationComplete`, `turnComplete` with `usageMetadata`, and a
 *    `sessionResumptionUpdate` handle that a later setup can resume from.
 *
 * Server messages go out as binary frames carrying JSON, as Google sends them.
 */
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { resamplePcm16 } from '../../src/audio/resample.ts';
import type { FakeRequestRecord } from './control.ts';
import { closeReason, defaultMessage, liveClose, modelNotFound } from './google-errors.ts';
import { GEMINI_VOICES, type LiveReplyContext } from './google-live-reply.ts';
import {
  type Content,
  type FakeModel,
  type FunctionCallOut,
  type FunctionDeclaration,
  type GeminiReply,
} from './google-rest.ts';
import { SpeechDetector, SPEECH_RATE } from './google-live-speech.ts';
import { sleep } from './clock.ts';

export { defaultLiveReply, GEMINI_VOICES, type LiveReplyContext } from './google-live-reply.ts';

export const LIVE_INPUT_RATE = SPEECH_RATE;
export const LIVE_OUTPUT_RATE = 24_000;
const CHUNK = LIVE_OUTPUT_RATE / 10; // 100 ms of reply audio per message

const SETUP_FIELDS = new Set([
  'model',
  'generationConfig',
  'systemInstruction',
  'tools',
  'realtimeInputConfig',
  'sessionResumption',
  'contextWindowCompression',
  'inputAudioTranscription',
  'outputAudioTranscription',
  'proactivity',
  'avatarConfig',
  'safetySettings',
  'labels',
]);
const CLIENT_MESSAGES = new Set(['setup', 'clientContent', 'realtimeInput', 'toolResponse']);

/** One model turn the connection produced. */
export interface LiveTurnRecord {
  n: number;
  trigger: LiveReplyContext['trigger'];
  heard?: string;
  instructions?: string;
  userText?: string;
  text: string;
  functionCalls?: (FunctionCallOut & { id: string })[];
  modality: 'AUDIO' | 'TEXT';
  /** End of the caller's speech, or arrival of the message that asked for the turn. */
  startedAt: number;
  firstOutputAt?: number;
  doneAt?: number;
  status: 'hearing' | 'in_progress' | 'completed' | 'tool_call' | 'interrupted' | 'dropped' | 'closed';
}

/** Everything one connection did, for tests to assert on. */
export interface LiveConnectionRecord {
  index: number;
  /** The request path as received (the SDK builds `//ws/…` from an origin with no path). */
  path: string;
  /** The `key` query parameter (or `x-goog-api-key` header). */
  key?: string;
  setup?: Record<string, any>;
  /** Client message types, in order (`realtimeInput.audio` included). */
  received: { type: string; at: number; detail?: string }[];
  turns: LiveTurnRecord[];
  /** Milliseconds of caller audio received. */
  audioInMs: number;
  /** The resumption handle the setup presented, if any. */
  resumedFrom?: string;
  closeCode?: number;
  closeReason?: string;
  closedBy?: 'client' | 'server';
}

/** The fake's state and knobs a connection reads. */
export interface LiveEnv {
  readonly apiKey: string;
  readonly models: readonly FakeModel[];
  readonly latencyMs: number;
  readonly chunkIntervalMs: number;
  readonly vadThreshold: number;
  readonly silenceMs: number;
  readonly minSpeechMs: number;
  /** Models that accept `responseModalities: ['TEXT']` (native-audio models do not). */
  readonly textModels: ReadonlySet<string>;
  reply(ctx: LiveReplyContext): GeminiReply;
  nextTurnIndex(): number;
  /** Reply speech for `text` (mono PCM16 at 24 kHz). */
  speech(text: string, voice: string): Promise<Int16Array>;
  /** What pocketsphinx hears in mono PCM16 at 16 kHz. */
  recognize(pcm: Int16Array): Promise<string>;
  /** Resumption handles issued so far → the conversation at that point. */
  readonly handles: Map<string, Content[]>;
}

/** Faults planned for this connection when it was accepted. */
export interface LivePlan {
  /** Close after the setup with the close code matching this HTTP status. */
  fail?: number;
  /** Never answer the setup. */
  stall?: boolean;
  /** Cut the socket right after the first reply audio. */
  drop?: boolean;
}

const textOf = (c: Content | undefined) =>
  (c?.parts ?? []).map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
const toInt16 = (buf: Buffer) => {
  const out = new Int16Array(Math.floor(buf.length / 2));
  for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(i * 2);
  return out;
};

interface ActiveTurn {
  record: LiveTurnRecord;
  cancelled: boolean;
  /** Something of this turn reached the client (a transcription, audio, text, a tool call). */
  started: boolean;
}

export class LiveConnection {
  setup?: Record<string, any>;
  #history: Content[] = [];
  #stalled = false;
  #closing = false;
  #active?: ActiveTurn;
  #pendingCalls = new Map<string, FunctionCallOut>();
  #speech: SpeechDetector;

  constructor(
    readonly ws: WebSocket,
    readonly env: LiveEnv,
    readonly record: LiveConnectionRecord,
    readonly log: FakeRequestRecord,
    readonly plan: LivePlan,
  ) {
    this.#speech = new SpeechDetector({
      threshold: env.vadThreshold,
      silenceMs: env.silenceMs,
      minSpeechMs: env.minSpeechMs,
      // START_OF_ACTIVITY_INTERRUPTS (the default): the caller speaking stops the reply.
      onStart: () => {
        if (this.setup?.realtimeInputConfig?.activityHandling !== 'NO_INTERRUPTION') this.#interrupt();
      },
      onEnd: (pcm) => void this.#respond('speech', { audio: pcm }),
    });
    ws.on('message', (data) => this.#onMessage(String(data)));
    ws.on('error', () => undefined);
    ws.on('close', (code, reason) => {
      const byClient = this.record.closedBy === undefined;
      this.record.closeCode ??= code;
      this.record.closeReason ??= reason.toString();
      this.record.closedBy ??= 'client';
      const active = this.#active;
      if (active && !active.cancelled) {
        active.cancelled = true;
        if (active.record.status === 'in_progress' || active.record.status === 'hearing')
          active.record.status = 'closed';
        // The client hung up in the middle of a turn.
        if (byClient) this.log.cancelled = true;
      }
      this.log.doneAt = Date.now();
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN && !this.#closing;
  }

  /** Sends one server message (JSON in a binary frame). */
  send(message: Record<string, unknown>): void {
    if (this.open) this.ws.send(Buffer.from(JSON.stringify(message)), { binary: true });
  }

  /** Closes the socket as the server (a Live API failure). */
  close(code: number, reason: string): void {
    if (this.#closing) return;
    this.#closing = true;
    this.record.closeCode = code;
    this.record.closeReason = closeReason(reason);
    this.record.closedBy = 'server';
    this.ws.close(code, this.record.closeReason);
  }

  /** Tells the client the server is going away (`goAway`). */
  goAway(timeLeft: string): void {
    this.send({ goAway: { timeLeft } });
  }

  get #modality(): 'AUDIO' | 'TEXT' {
    return this.setup?.generationConfig?.responseModalities?.[0] === 'TEXT' ? 'TEXT' : 'AUDIO';
  }

  get #voice(): string {
    return this.setup?.generationConfig?.speechConfig?.voiceConfig?.prebuiltVoiceConfig?.voiceName ?? 'Puck';
  }

  #onMessage(data: string): void {
    let msg: Record<string, any>;
    try {
      msg = JSON.parse(data) as Record<string, any>;
    } catch {
      return this.close(1007, 'Invalid JSON payload received.');
    }
    const keys = Object.keys(msg);
    const type = keys[0] ?? '';
    const detail =
      type === 'realtimeInput'
        ? Object.keys(msg.realtimeInput ?? {}).join(',')
        : type === 'clientContent'
          ? `turnComplete=${msg.clientContent?.turnComplete === true}`
          : undefined;
    this.record.received.push({ type, at: Date.now(), ...(detail ? { detail } : {}) });
    if (keys.length !== 1 || !CLIENT_MESSAGES.has(type))
      return this.close(1007, 'Invalid JSON payload received. Unknown name or more than one message field.');
    if (!this.setup) {
      if (type !== 'setup') return this.close(1007, defaultMessage(400));
      return this.#onSetup(msg.setup ?? {});
    }
    if (this.#stalled) return;
    if (type === 'setup') return this.close(1007, 'Setup may only be sent once.');
    if (type === 'realtimeInput') return this.#onRealtimeInput(msg.realtimeInput ?? {});
    if (type === 'clientContent') return this.#onClientContent(msg.clientContent ?? {});
    return this.#onToolResponse(msg.toolResponse ?? {});
  }

  #onSetup(setup: Record<string, any>): void {
    this.setup = setup;
    this.record.setup = setup;
    if (this.plan.stall) {
      this.#stalled = true;
      return;
    }
    if (this.plan.fail !== undefined) {
      const { code, reason } = liveClose(this.plan.fail);
      return this.close(code, reason);
    }
    if (!this.record.key)
      return this.close(
        1008,
        "Method doesn't allow unregistered callers (callers without established identity).",
      );
    if (this.record.key !== this.env.apiKey)
      return this.close(1007, 'API key not valid. Please pass a valid API key.');
    for (const k of Object.keys(setup))
      if (!SETUP_FIELDS.has(k))
        return this.close(
          1007,
          `Invalid JSON payload received. Unknown name "${k}" at 'setup': Cannot find field.`,
        );
    const name = /^models\/(.+)$/.exec(String(setup.model ?? ''))?.[1] ?? String(setup.model ?? '');
    const info = this.env.models.find((m) => m.name === name);
    if (!info || !info.supportedGenerationMethods.includes('bidiGenerateContent'))
      return this.close(1008, modelNotFound(name, 'bidiGenerateContent'));
    this.log.model = name;
    const modalities = (setup.generationConfig?.responseModalities ?? ['AUDIO']) as string[];
    if (modalities.length !== 1 || (modalities[0] !== 'AUDIO' && modalities[0] !== 'TEXT'))
      return this.close(1007, defaultMessage(400));
    if (modalities[0] === 'TEXT' && !this.env.textModels.has(name))
      return this.close(
        1007,
        setup.generationConfig?.speechConfig
          ? 'Cannot extract voices from a non-audio request.'
          : defaultMessage(400),
      );
    if (!GEMINI_VOICES.includes(this.#voice)) return this.close(1007, defaultMessage(400));
    const handle = setup.sessionResumption?.handle as string | undefined;
    if (handle) {
      const saved = this.env.handles.get(handle);
      if (!saved) return this.close(1008, defaultMessage(404));
      this.record.resumedFrom = handle;
      this.#history = saved.map((c) => ({ ...c, parts: [...c.parts] }));
    }
    this.#speech.manual = setup.realtimeInputConfig?.automaticActivityDetection?.disabled === true;
    this.send({ setupComplete: {} });
  }

  // ---- caller input ----

  #onRealtimeInput(input: Record<string, any>): void {
    const blobs = [input.audio, ...(Array.isArray(input.mediaChunks) ? input.mediaChunks : [])].filter(
      Boolean,
    );
    for (const blob of blobs) {
      const m = /^audio\/pcm(?:;\s*rate=(\d+))?$/.exec(String(blob.mimeType ?? ''));
      if (!m) return this.close(1007, defaultMessage(400));
      const rate = Number(m[1] ?? LIVE_INPUT_RATE);
      const raw = toInt16(Buffer.from(String(blob.data ?? ''), 'base64'));
      const pcm = rate === LIVE_INPUT_RATE ? raw : resamplePcm16(raw, rate, LIVE_INPUT_RATE);
      this.record.audioInMs += (pcm.length * 1000) / LIVE_INPUT_RATE;
      this.#speech.write(pcm);
    }
    if (input.activityStart && this.#speech.manual) this.#speech.start();
    if (input.activityEnd && this.#speech.manual) this.#speech.end();
    if (input.audioStreamEnd && !this.#speech.manual) this.#speech.end();
    if (typeof input.text === 'string' && input.text) {
      this.#history.push({ role: 'user', parts: [{ text: input.text }] });
      void this.#respond('realtimeText', { userText: input.text });
    }
  }

  #onClientContent(content: Record<string, any>): void {
    const turns = (Array.isArray(content.turns) ? content.turns : []) as Content[];
    for (const t of turns) {
      if (t.role !== 'user' && t.role !== 'model')
        return this.close(1007, 'Please use a valid role: user, model.');
      if (!Array.isArray(t.parts) || t.parts.length === 0) return this.close(1007, defaultMessage(400));
    }
    this.#history.push(...turns);
    if (content.turnComplete !== true) return;
    const last = turns.at(-1);
    const instructions = last?.role === 'model' ? textOf(last) : undefined;
    // The turn may complete what earlier messages (turnComplete: false) started.
    const lastUser = [...this.#history].reverse().find((t) => t.role === 'user' && textOf(t));
    // A completed turn interrupts whatever the model is saying (Gemini 3.1 semantics).
    void this.#respond('clientContent', { instructions, userText: lastUser ? textOf(lastUser) : undefined });
  }

  #onToolResponse(response: Record<string, any>): void {
    const answers = (Array.isArray(response.functionResponses) ? response.functionResponses : []) as {
      id?: string;
      name: string;
      response?: Record<string, unknown>;
      willContinue?: boolean;
    }[];
    if (answers.length === 0) return this.close(1007, defaultMessage(400));
    for (const a of answers) {
      if (!a.id || !this.#pendingCalls.has(a.id)) return this.close(1008, defaultMessage(404));
      if (!a.willContinue) this.#pendingCalls.delete(a.id);
    }
    const done = answers.filter((a) => !a.willContinue);
    if (done.length === 0 || this.#pendingCalls.size > 0) return;
    void this.#respond('toolResponse', {
      functionResponses: done.map((a) => ({ id: a.id, name: a.name, response: a.response ?? {} })),
    });
  }

  // ---- model turns ----

  #interrupt(): void {
    const active = this.#active;
    if (!active || active.cancelled) return;
    active.cancelled = true;
    if (active.record.status !== 'in_progress' && active.record.status !== 'hearing') return;
    active.record.status = 'interrupted';
    active.record.doneAt = Date.now();
    if (!active.started) return;
    this.send({ serverContent: { interrupted: true } });
    this.send({ serverContent: { turnComplete: true } });
  }

  async #respond(
    trigger: LiveReplyContext['trigger'],
    input: {
      audio?: Int16Array;
      userText?: string;
      instructions?: string;
      functionResponses?: LiveReplyContext['functionResponses'];
    },
  ): Promise<void> {
    this.#interrupt();
    const record: LiveTurnRecord = {
      n: this.env.nextTurnIndex(),
      trigger,
      text: '',
      modality: this.#modality,
      startedAt: Date.now(),
      status: trigger === 'speech' ? 'hearing' : 'in_progress',
      ...(input.instructions !== undefined ? { instructions: input.instructions } : {}),
      ...(input.userText !== undefined ? { userText: input.userText } : {}),
    };
    this.record.turns.push(record);
    const active: ActiveTurn = { record, cancelled: false, started: false };
    this.#active = active;
    try {
      let heard: string | undefined;
      if (input.audio) {
        heard = (await this.env.recognize(input.audio)).trim();
        record.heard = heard;
        if (active.cancelled || !this.open) return;
        record.status = 'in_progress';
        if (heard && this.setup?.inputAudioTranscription) {
          this.send({ serverContent: { inputTranscription: { text: heard } } });
          active.started = true;
        }
        if (heard) this.#history.push({ role: 'user', parts: [{ text: heard }] });
      }
      const reply = this.env.reply({
        n: record.n,
        connection: this.record.index,
        trigger,
        ...(heard !== undefined ? { heard } : {}),
        ...(input.userText !== undefined ? { userText: input.userText } : {}),
        ...(input.instructions !== undefined ? { instructions: input.instructions } : {}),
        systemInstruction: textOf(this.setup?.systemInstruction),
        functions: ((this.setup?.tools ?? []) as { functionDeclarations?: FunctionDeclaration[] }[]).flatMap(
          (t) => t.functionDeclarations ?? [],
        ),
        functionResponses: input.functionResponses ?? [],
        history: this.#history,
      });
      const calls = typeof reply === 'string' ? [] : (reply.functionCalls ?? []);
      const text = typeof reply === 'string' ? reply : (reply.text ?? '');
      record.text = text;
      this.log.text = text;
      const audio =
        record.modality === 'AUDIO' && text ? await this.env.speech(text, this.#voice) : new Int16Array(0);
      await sleep(record.startedAt + this.env.latencyMs - Date.now());
      if (active.cancelled || !this.open) return;

      if (calls.length > 0) {
        const withIds = calls.map((c) => ({ ...c, id: `function-call-${randomBytes(8).toString('hex')}` }));
        for (const c of withIds) this.#pendingCalls.set(c.id, c);
        record.functionCalls = withIds;
        this.#firstOutput(active);
        this.send({ toolCall: { functionCalls: withIds.map(({ id, name, args }) => ({ id, name, args })) } });
        record.status = 'tool_call';
        record.doneAt = Date.now();
        return;
      }
      if (await this.#stream(active, text, audio)) return;
      this.send({ serverContent: { generationComplete: true } });
      const audioTokens = Math.round((audio.length / LIVE_OUTPUT_RATE) * 25);
      const promptTokens = Math.round(this.record.audioInMs / 40) + 20;
      const responseTokens = record.modality === 'AUDIO' ? audioTokens : (text.match(/\S+/g) ?? []).length;
      this.send({
        serverContent: { turnComplete: true },
        usageMetadata: {
          promptTokenCount: promptTokens,
          responseTokenCount: responseTokens,
          totalTokenCount: promptTokens + responseTokens,
          promptTokensDetails: [{ modality: 'AUDIO', tokenCount: promptTokens }],
          responseTokensDetails: [{ modality: record.modality, tokenCount: responseTokens }],
        },
      });
      this.#history.push({ role: 'model', parts: [{ text }] });
      record.status = 'completed';
      record.doneAt = Date.now();
      if (this.setup?.sessionResumption) {
        const handle = `resume-${randomBytes(12).toString('hex')}`;
        this.env.handles.set(
          handle,
          this.#history.map((c) => ({ ...c, parts: [...c.parts] })),
        );
        this.send({ sessionResumptionUpdate: { newHandle: handle, resumable: true } });
      }
    } finally {
      if (this.#active === active) this.#active = undefined;
    }
  }

  /** Streams the reply; true when the turn ended early (interrupted, dropped, closed). */
  async #stream(active: ActiveTurn, text: string, audio: Int16Array): Promise<boolean> {
    const record = active.record;
    const words = text.match(/\S+\s*/g) ?? [];
    const transcribe = this.setup?.outputAudioTranscription !== undefined;
    if (record.modality === 'TEXT') {
      for (const w of words) {
        if (active.cancelled || !this.open) return true;
        this.send({ serverContent: { modelTurn: { role: 'model', parts: [{ text: w }] } } });
        if (this.#firstOutput(active)) return true;
        await sleep(this.env.chunkIntervalMs);
      }
      return active.cancelled || !this.open;
    }
    const chunks = Math.ceil(audio.length / CHUNK);
    let word = 0;
    for (let i = 0; i < chunks; i++) {
      if (active.cancelled || !this.open) return true;
      const pcm = audio.subarray(i * CHUNK, (i + 1) * CHUNK);
      // The transcript rides along with the audio it belongs to (3.1 combines them per message).
      const upTo = i === chunks - 1 ? words.length : Math.floor(((i + 1) * words.length) / chunks);
      const said = words.slice(word, upTo).join('');
      word = upTo;
      this.send({
        serverContent: {
          modelTurn: {
            role: 'model',
            parts: [
              {
                inlineData: {
                  mimeType: `audio/pcm;rate=${LIVE_OUTPUT_RATE}`,
                  data: Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64'),
                },
              },
            ],
          },
          ...(transcribe && said ? { outputTranscription: { text: said } } : {}),
        },
      });
      if (this.#firstOutput(active)) return true;
      await sleep(this.env.chunkIntervalMs);
    }
    return active.cancelled || !this.open;
  }

  /** Notes the first output; applies a planned drop. True when the socket was cut. */
  #firstOutput(active: ActiveTurn): boolean {
    active.started = true;
    const record = active.record;
    if (record.firstOutputAt !== undefined) return false;
    record.firstOutputAt = Date.now();
    this.log.firstOutputAt ??= record.firstOutputAt;
    if (!this.plan.drop) return false;
    this.plan.drop = false;
    record.status = 'dropped';
    this.log.fault = 'drop';
    this.record.closedBy = 'server';
    this.record.closeCode = 1006;
    this.ws.terminate();
    return true;
  }
}
