import type { AppLogger } from '../../libraries/appLogger';
import { messageOf } from '../../libraries/errors';

/** A line a `recordingLogger` kept. */
export interface RecordedLine {
  level: 'info' | 'warn' | 'error';
  message: string;
}

/**
 * A logger that keeps every line, for tests that read or count what was logged; an error's
 * message follows its line's (`message: error`).
 */
export function recordingLogger(): AppLogger & { lines: RecordedLine[]; texts(): string[] } {
  const lines: RecordedLine[] = [];
  return {
    lines,
    /** Each line as `<level> <message>`. */
    texts: () => lines.map(({ level, message }) => `${level} ${message}`),
    info: (message) => lines.push({ level: 'info', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message, error) =>
      lines.push({ level: 'error', message: error === undefined ? message : `${message}: ${messageOf(error)}` }),
  };
}
