import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RequestHandler } from 'express';

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
  // A plain appending stream: a line per request costs a string and a buffered write, nothing more.
  const stream = createWriteStream(file, { flags: 'a' });
  let failed = false;
  stream.on('error', (error) => {
    // A full disk or a removed folder must not take the server down; say so once.
    if (!failed) console.error(`node-jobs: the request log ${file} cannot be written: ${error.message}`);
    failed = true;
  });
  // The lines of the requests that end in one turn of the event loop go in one write, right after
  // it: a write per request costs more than the line.
  let pending: string[] = [];
  let timer: NodeJS.Immediate | undefined;
  const flush = () => {
    timer = undefined;
    if (pending.length === 0 || failed) return;
    stream.write(pending.join(''));
    pending = [];
  };
  // Requests ending in the same millisecond share their timestamp's text.
  let stampedAt = 0;
  let stamp = '';
  const timestamp = () => {
    const now = Date.now();
    if (now !== stampedAt) [stampedAt, stamp] = [now, new Date(now).toISOString()];
    return stamp;
  };
  const middleware: RequestHandler = (req, res, next) => {
    const started = performance.now();
    res.once('close', () => {
      const ms = performance.now() - started;
      const status = res.writableFinished ? res.statusCode : `${res.statusCode} (aborted)`;
      if (failed) return;
      pending.push(
        `${timestamp()} ${req.method} ${req.originalUrl.replace(secretParameters, '$1***')} ${status} ${ms.toFixed(1)}ms\n`,
      );
      timer ??= setImmediate(flush);
    });
    next();
  };
  return {
    middleware,
    close: () =>
      new Promise<void>((resolve) => {
        clearImmediate(timer);
        flush();
        if (stream.closed) return resolve();
        stream.once('close', () => resolve());
        stream.end();
      }),
  };
}
