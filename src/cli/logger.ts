import { destination, pino, type Logger } from 'pino';

/** Structured JSON logs to stderr, so stdout stays for command output (keys, banners, JSON). */
export function createLogger(level: string, name: string): Logger {
  return pino(
    {
      level,
      name,
      redact: { paths: ['req.headers["x-api-key"]', '*.apiKey', '*.token'], censor: '[redacted]' },
    },
    destination(2),
  );
}
