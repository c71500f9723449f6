import type { LogFields, SspiLogger } from '../../src/logger';

export interface LogEntry {
  level: 'debug' | 'warn';
  message: string;
  error?: unknown;
  fields?: LogFields;
}

/** Keeps every log call, so tests can assert what was logged and that no whole token ever was. */
export class RecordingLogger implements SspiLogger {
  readonly entries: LogEntry[] = [];

  debug(message: string, fields?: LogFields): void {
    this.entries.push({ level: 'debug', message, ...(fields && { fields }) });
  }

  warn(message: string, error?: unknown, fields?: LogFields): void {
    this.entries.push({ level: 'warn', message, error, ...(fields && { fields }) });
  }

  warnings(): LogEntry[] {
    return this.entries.filter((entry) => entry.level === 'warn');
  }

  /** Everything logged, flattened to text, to search for leaked tokens. */
  text(): string {
    return JSON.stringify(this.entries, (_key, value: unknown) =>
      value instanceof Error ? { name: value.name, message: value.message } : value,
    );
  }
}
