import type { MediaServerLogger } from '../../../src/media-server/index.ts';

/** One captured log line. */
export interface LogEntry {
  level: 'info' | 'warn' | 'error' | 'debug';
  msg: string;
  fields: Record<string, unknown>;
}

/** A logger that records everything, so tests can wait for server-side events. */
export class RecordingLogger implements MediaServerLogger {
  readonly entries: LogEntry[] = [];
  private readonly echo = !!process.env.MEDIA_TEST_LOG;

  info(obj: object, msg = ''): void {
    this.record('info', obj, msg);
  }
  warn(obj: object, msg = ''): void {
    this.record('warn', obj, msg);
  }
  error(obj: object, msg = ''): void {
    this.record('error', obj, msg);
  }
  debug(obj: object, msg = ''): void {
    this.record('debug', obj, msg);
  }

  /** Entries whose message is `msg`. */
  find(msg: string): LogEntry[] {
    return this.entries.filter((e) => e.msg === msg);
  }

  private record(level: LogEntry['level'], obj: object, msg: string): void {
    this.entries.push({ level, msg, fields: { ...obj } });
    if (this.echo && level !== 'debug') console.log(level.toUpperCase(), msg, JSON.stringify(obj));
  }
}
