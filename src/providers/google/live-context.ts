/**
 * Which Gemini Live session a `live.connect()` call belongs to.
 *
 * The plugin's session keeps its `GoogleGenAI` client in a true private field and calls
 * `client.live.connect()` from its own background loop, so the connect guard cannot be handed the
 * session directly. {@link GeminiRealtimeModel} creates each session inside
 * {@link liveSessionContext}; the loop the session starts inherits that async context, and the
 * guard reads it back when the loop connects.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { APIConnectOptions } from '@livekit/agents';

/**
 * The members of the plugin's `RealtimeSession` (agents-plugin-google 1.9) the guard relies on.
 * They are TypeScript-private in the plugin, so this is a contract with its compiled code: the
 * guard's tests fail if a plugin upgrade renames them.
 */
export interface LiveSessionInternals {
  /** Failed connection attempts since the last message from the server. */
  numRetries: number;
  options: { connOptions: APIConnectOptions };
  emitError(error: Error, recoverable: boolean): void;
  /** Makes the session's loop close the socket and connect again (with its resumption handle). */
  markRestartNeeded(): void;
}

/** Per-session facts the guard needs. */
export interface LiveSessionContext {
  /** Set right after the plugin's constructor returns, before its loop first connects. */
  session?: LiveSessionInternals;
  /**
   * The session asks for audio on the wire but its owner wants text only (native-audio models
   * refuse a TEXT response modality): the guard drops the audio parts of every server message.
   */
  dropAudio: boolean;
  /** The owner closed the session: late failures are expected and not reported. */
  closed: boolean;
}

export const liveSessionContext = new AsyncLocalStorage<LiveSessionContext>();
