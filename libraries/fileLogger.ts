import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RequestHandler } from 'express';
import winston from 'winston';

export interface RequestLog {
  /** Express middleware writing one line per finished request. */
  middleware: RequestHandler;
  /** Flushes and closes the log file. */
  close(): Promise<void>;
}

/** Query parameters whose values never reach the log. */
const secretParameters = /([?&](?:token|password)=)[^&]*/gi;

/**
 * Creates the request log: one line per request with an ISO timestamp, method, URL, status and
 * duration, appended to `file` (its folders are created).
 */
export function createRequestLog(file: string): RequestLog {
  mkdirSync(dirname(file), { recursive: true });
  const logger = winston.createLogger({
    format: winston.format.printf(({ message }) => String(message)),
    transports: [new winston.transports.File({ filename: file })],
  });
  const middleware: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const status = res.writableFinished ? res.statusCode : `${res.statusCode} (aborted)`;
      logger.info(
        `${new Date().toISOString()} ${req.method} ${req.originalUrl.replace(secretParameters, '$1***')} ${status} ${ms.toFixed(1)}ms`,
      );
    });
    next();
  };
  return {
    middleware,
    close: () =>
      new Promise<void>((resolve) => {
        logger.on('finish', () => resolve());
        logger.end();
      }),
  };
}
