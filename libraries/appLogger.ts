import winston from 'winston';

/** Operational log of the process (start-up, faults), as opposed to the request log. */
export interface AppLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/**
 * Creates the process logger: readable lines on stderr.
 * @param silent log nothing (tests that expect faults)
 */
export function createAppLogger(silent = false): AppLogger {
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
      logger.error(
        error instanceof Error
          ? `${message}: ${error.stack ?? error.message}`
          : error === undefined
            ? message
            : `${message}: ${typeof error === 'string' ? error : JSON.stringify(error)}`,
      ),
  };
}
