import type { EndReason } from '../domain/voice-sessions/end.ts';

/** What the caller is doing, as the agents framework reports it. */
export type UserState = 'speaking' | 'listening' | 'away';
/** What the agent is doing, as the agents framework reports it. */
export type AgentState = 'initializing' | 'idle' | 'listening' | 'thinking' | 'speaking';

/**
 * Enforces a call's limits: a maximum duration and an idle timeout. The call is idle while nobody
 * is speaking and the agent is not preparing a reply; the idle clock restarts whenever either side
 * changes state, so a long greeting or a slow reply never counts as silence. Calls `end` once with
 * the reason.
 */
export class CallLimits {
  #idleSince = Date.now();
  #user: UserState = 'listening';
  #agent: AgentState = 'initializing';
  #timers: NodeJS.Timeout[] = [];
  #ended = false;

  constructor(
    private readonly opts: { maxDurationSeconds: number; idleTimeoutSeconds: number },
    private readonly end: (reason: EndReason) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.#idleSince = now();
  }

  start(): void {
    this.#idleSince = this.now();
    this.#timers.push(setTimeout(() => this.#fire('max_duration'), this.opts.maxDurationSeconds * 1000));
    this.#timers.push(setInterval(() => this.check(), 250));
  }

  /** The caller's state changed. */
  userState(state: UserState): void {
    this.#user = state;
    this.#idleSince = this.now();
  }

  /** The agent's state changed. */
  agentState(state: AgentState): void {
    this.#agent = state;
    this.#idleSince = this.now();
  }

  /** Whether someone is talking or the agent is working on a reply. */
  get busy(): boolean {
    return this.#user === 'speaking' || this.#agent === 'speaking' || this.#agent === 'thinking';
  }

  /** Ends the call when it has been idle for the timeout; called on a timer, public for tests. */
  check(): void {
    if (this.busy) return;
    if (this.now() - this.#idleSince >= this.opts.idleTimeoutSeconds * 1000) this.#fire('idle_timeout');
  }

  #fire(reason: EndReason) {
    if (this.#ended) return;
    this.#ended = true;
    this.stop();
    this.end(reason);
  }

  stop(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
  }
}
