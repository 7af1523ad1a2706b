/** Minimal pino-compatible logger surface used by the media server. */
export interface MediaServerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

const noop = (): void => {};

/** A logger that discards everything; the default when none is configured. */
export const silentLogger: MediaServerLogger = { info: noop, warn: noop, error: noop, debug: noop };

/** Extracts a loggable message from an unknown thrown value. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `logger` with `fields` added to every entry. */
export function withFields(logger: MediaServerLogger, fields: object): MediaServerLogger {
  return {
    info: (o, m) => logger.info({ ...fields, ...o }, m),
    warn: (o, m) => logger.warn({ ...fields, ...o }, m),
    error: (o, m) => logger.error({ ...fields, ...o }, m),
    debug: (o, m) => logger.debug({ ...fields, ...o }, m),
  };
}
