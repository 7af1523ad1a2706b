// Signals come twice when the wrapper forwards one its process group already received; a repeat
// within this window is the same request, a later one means "stop now".
const DUPLICATE_WINDOW_MS = 2000;

/** Resolves after `stop` ran, once SIGINT or SIGTERM arrives. A later second signal exits at once. */
export function onShutdown(stop: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let firstAt: number | undefined;
    const handler = (signal: NodeJS.Signals) => {
      if (firstAt !== undefined) {
        if (Date.now() - firstAt > DUPLICATE_WINDOW_MS) process.exit(130);
        return;
      }
      firstAt = Date.now();
      console.error(`\nReceived ${signal}; shutting down.`);
      stop()
        .catch((err) => console.error('Error while shutting down:', err))
        .finally(() => resolve());
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}
