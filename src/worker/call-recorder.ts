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
  /** Called for every agent reply with its voice-to-voice latency (ms), for the hybrid policy. */
  onAgentTurn?: (turn: { voiceToVoiceMs: number | null; interrupted: boolean }) => void;

  constructor(
    private readonly recorder: SessionRecorder,
    private readonly mode: () => string,
    private readonly onError: (err: unknown) => void,
  ) {}

  attach(session: voice.AgentSession): void {
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
    const voiceToVoice = ms(m.e2eLatency);
    this.onAgentTurn?.({ voiceToVoiceMs: voiceToVoice, interrupted: item.interrupted });
    this.#enqueue(() =>
      this.recorder.turn({
        endOfSpeechToFinalTranscript: ms(user.metrics?.transcriptionDelay),
        llmTimeToFirstToken: ms(m.llmNodeTtft),
        ttsTimeToFirstByte: ms(m.ttsNodeTtfb),
        voiceToVoice,
        mode: this.mode(),
      }),
    );
  }

  /** Resolves when every write queued so far has landed. */
  flush(): Promise<void> {
    return this.#chain;
  }
}
