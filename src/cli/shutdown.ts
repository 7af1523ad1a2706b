/** Resolves after `stop` ran, once SIGINT or SIGTERM arrives. A second signal exits at once. */
export function onShutdown(stop: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const handler = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(130);
      stopping = true;
      console.error(`\nReceived ${signal}; shutting down.`);
      stop()
        .catch((err) => console.error('Error while shutting down:', err))
        .finally(() => resolve());
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}
