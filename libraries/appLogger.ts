import { pino } from 'pino';
import winston from 'winston';

/** Operational log of the process (start-up, faults), as opposed to the request log. */
export interface AppLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** How the process logger writes. */
export interface AppLoggerOptions {
  /**
   * One JSON object per line (`time`, `level`, `msg`, and `err` with the stack for an error), for
   * a container's log collector; otherwise readable lines. The server writes JSON when `log_file`
   * is `-`.
   */
  json?: boolean;
  /** Where the JSON lines go; standard error when left out. */
  destination?: { write(line: string): unknown };
}

/** `message: detail` for an error that is not an `Error` (a string, an object), as both formats show it. */
function withDetail(message: string, detail: unknown): string {
  if (detail === undefined) return message;
  return `${message}: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`;
}

/**
 * Creates the process logger: readable lines on standard error (`<ISO time> <level> <message>`),
 * or JSON lines there with `json`.
 * @param silent log nothing (tests that expect faults)
 */
export function createAppLogger(silent = false, options: AppLoggerOptions = {}): AppLogger {
  return options.json ? jsonLogger(silent, options.destination) : readableLogger(silent);
}

function jsonLogger(silent: boolean, destination: AppLoggerOptions['destination']): AppLogger {
  const logger = pino(
    {
      enabled: !silent,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    // Synchronous: few lines, and the last ones before an exit must not be lost.
    destination ?? pino.destination({ fd: 2, sync: true }),
  );
  return {
    info: (message) => logger.info(message),
    warn: (message) => logger.warn(message),
    error: (message, error) =>
      error instanceof Error
        ? logger.error({ err: error }, `${message}: ${error.message}`)
        : logger.error(withDetail(message, error)),
  };
}

function readableLogger(silent: boolean): AppLogger {
  const logger = winston.createLogger({
    silent,
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.printf(({ timestamp, level, message }) => `${String(timestamp)} ${level} ${String(message)}`),
    ),
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info'] })],
  });
  return {
    info: (message) => logger.info(message),
    warn: (message) => logger.warn(message),
    error: (message, error) =>
      logger.error(error instanceof Error ? `${message}: ${error.stack ?? error.message}` : withDetail(message, error)),
  };
}
