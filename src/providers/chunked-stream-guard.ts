import type { tts } from '@livekit/agents';

/**
 * @livekit/agents 1.9's `tts.ChunkedStream` starts its main task from its constructor without
 * keeping the promise, so a synthesis that failed (already reported on the TTS's `error` event,
 * and retried by the base class as configured) is also an unhandled rejection. Agents job
 * processes only log those, but any other process (the SIP gateway, tests) would crash or fail.
 * Called from a subclass constructor: the base class calls `mainTask` a microtask later, so this
 * per-instance wrapper is what runs. Remove when the framework awaits its own task.
 */
export function settleMainTask(stream: tts.ChunkedStream): void {
  const internals = stream as unknown as { mainTask: () => Promise<unknown> };
  const mainTask = internals.mainTask.bind(stream);
  internals.mainTask = () => mainTask().catch(() => undefined);
}
