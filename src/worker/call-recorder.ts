import { voice, type llm } from '@livekit/agents';
import type { SessionRecorder } from '../domain/voice-sessions/record.ts';

type ChatMessage = llm.ChatMessage;

const ms = (seconds: number | undefined) => (seconds === undefined ? null : Math.round(seconds * 1000));

/**
 * Writes the conversation as it happens: each finished utterance becomes a transcript entry and
 * each agent reply a turn with its latency breakdown. Writes are chained so they land in order;
 * a failed write is logged and does not stop the call.
 */
export class CallRecorder {
  #chain: Promise<void> = Promise.resolve();
  #lastUser?: ChatMessage;
  /** When the user's current turn ended (ms): the earliest end-of-turn signal since they last spoke. */
  #turnEndedAt?: number;
  /** Called for every agent reply with its voice-to-voice latency (ms), for the hybrid policy. */
  onAgentTurn?: (turn: { voiceToVoiceMs: number | null; interrupted: boolean }) => void;

  constructor(
    private readonly recorder: SessionRecorder,
    private readonly mode: () => string,
    private readonly onError: (err: unknown) => void,
  ) {}

  attach(session: voice.AgentSession): void {
    // Realtime (sts/hybrid) replies carry no e2eLatency; their voice-to-voice time is measured from
    // the end of the user's turn: whichever came first of the local VAD hearing them stop and the
    // model starting its reply (a realtime model creates it on its own end-of-turn detection).
    const turnEnded = (at: number) => (this.#turnEndedAt = Math.min(this.#turnEndedAt ?? at, at));
    session.on(voice.AgentSessionEventTypes.UserStateChanged, (ev) => {
      if (ev.newState === 'speaking') this.#turnEndedAt = undefined;
      else if (ev.oldState === 'speaking') turnEnded(ev.createdAt);
    });
    session.on(voice.AgentSessionEventTypes.SpeechCreated, (ev) => {
      if (!ev.userInitiated) turnEnded(ev.createdAt);
    });
    session.on(voice.AgentSessionEventTypes.ConversationItemAdded, (ev) => {
      const item = ev.item;
      if (item.type !== 'message') return;
      if (item.role === 'user') this.#user(item);
      else if (item.role === 'assistant') this.#agent(item);
    });
  }

  #enqueue(write: () => Promise<unknown>) {
    this.#chain = this.#chain.then(write).then(
      () => undefined,
      (err) => this.onError(err),
    );
  }

  #user(item: ChatMessage) {
    const text = item.textContent?.trim();
    if (!text) return;
    this.#lastUser = item;
    const m = item.metrics ?? {};
    this.#enqueue(() =>
      this.recorder.transcript({
        role: 'user',
        text,
        startedAt: m.startedSpeakingAt ? new Date(m.startedSpeakingAt * 1000) : new Date(item.createdAt),
        endedAt: m.stoppedSpeakingAt ? new Date(m.stoppedSpeakingAt * 1000) : undefined,
      }),
    );
  }

  #agent(item: ChatMessage) {
    const text = item.textContent?.trim() ?? '';
    const m = item.metrics ?? {};
    const user = this.#lastUser;
    this.#lastUser = undefined;
    this.#enqueue(() =>
      this.recorder.transcript({
        role: 'agent',
        text,
        startedAt: m.startedSpeakingAt ? new Date(m.startedSpeakingAt * 1000) : new Date(item.createdAt),
        endedAt: m.stoppedSpeakingAt ? new Date(m.stoppedSpeakingAt * 1000) : undefined,
        interrupted: item.interrupted,
      }),
    );
    // A reply to something the user said is a turn; the greeting is not.
    if (!user) return;
    const endedAt = this.#turnEndedAt;
    const measured =
      m.startedSpeakingAt !== undefined && endedAt !== undefined
        ? m.startedSpeakingAt - endedAt / 1000
        : undefined;
    const voiceToVoice = ms(m.e2eLatency) ?? (measured !== undefined && measured > 0 ? ms(measured) : null);
    // The mode that answered this turn (onAgentTurn may switch hybrid mode for the next one).
    const mode = this.mode();
    this.onAgentTurn?.({ voiceToVoiceMs: voiceToVoice, interrupted: item.interrupted });
    this.#enqueue(() =>
      this.recorder.turn({
        endOfSpeechToFinalTranscript: ms(user.metrics?.transcriptionDelay),
        llmTimeToFirstToken: ms(m.llmNodeTtft),
        ttsTimeToFirstByte: ms(m.ttsNodeTtfb),
        voiceToVoice,
        mode,
      }),
    );
  }

  /** Resolves when every write queued so far has landed. */
  flush(): Promise<void> {
    return this.#chain;
  }
}
