/**
 * A guard for closing OpenAI Realtime sessions of `@livekit/agents-plugin-openai` 1.9.
 *
 * The plugin's `RealtimeSession.close()` never closes its websocket: it awaits its main task
 * object (which is not a promise, so the await returns at once), and the loop that forwards client
 * events stays blocked on the now-empty message queue, so nothing ever calls `ws.close()`. The
 * connection — and any response the server is still streaming — outlives the session after a
 * hang-up, or after hybrid mode switches a call to the pipeline, until the job process exits.
 * {@link installRealtimeCloseGuard} remembers the socket each session runs on and closes it once
 * the plugin's own `close()` has finished; the plugin's loop then ends as after any normal close,
 * without reporting an error. Remove when the plugin closes its socket itself.
 */
import * as openai from '@livekit/agents-plugin-openai';
import type WebSocket from 'ws';

const GUARDED = Symbol.for('parley.openai.realtime.closeGuard');

/** The socket each session is running on (the plugin keeps it in a local variable only). */
const sockets = new WeakMap<object, WebSocket>();

/** Installs the guard once per process (idempotent). */
export function installRealtimeCloseGuard(): void {
  const proto = openai.realtime.RealtimeSession.prototype as unknown as {
    runWs(ws: WebSocket): Promise<void>;
    close(): Promise<void>;
    [GUARDED]?: true;
  };
  if (proto[GUARDED]) return;
  // `runWs` is handed every connected socket, first connection and reconnections alike, whichever
  // connect method (Parley's handshake guard or the plugin's Azure path) opened it.
  const runWs = proto.runWs;
  proto.runWs = function (this: object, ws: WebSocket) {
    sockets.set(this, ws);
    return runWs.call(this, ws);
  };
  const close = proto.close;
  proto.close = async function (this: object) {
    try {
      await close.call(this);
    } finally {
      sockets.get(this)?.close(1000);
      sockets.delete(this);
    }
  };
  proto[GUARDED] = true;
}
