import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino } from 'pino';

/** The `log_file` that sends the logs to the process's standard streams, as JSON lines (a container's logs). */
export const standardStreams = '-';

/** Whether `log_file` asks for JSON lines on the standard streams rather than a readable file. */
export const logsAsJson = (logFile: string): boolean => logFile === standardStreams;

/** One finished HTTP request, as the request log records it. */
export interface RequestRecord {
  method: string;
  /** The URL as requested, query string included. */
  url: string;
  status: number;
  /** The answer was cut short: the connection closed before it was sent. */
  aborted: boolean;
  /** From the request's arrival to its answer, in milliseconds. */
  ms: number;
  requestId: string;
}

/** Where the request log goes. */
export interface RequestLog {
  /** Records one finished request; the write happens shortly after, never on the request's path. */
  write(record: RequestRecord): void;
  /** Writes what is pending and closes the destination; calling it again does nothing. */
  close(): Promise<void>;
}

/**
 * Creates the request log of `log_file`: `-` writes one JSON object per request on standard
 * output (`time`, `method`, `url` without its query string, `status`, `ms`, `requestId`); any
 * other value is a file (its folders are created) with one readable line per request: an ISO
 * timestamp, method, URL (`token` and `password` values hidden), status and duration.
 */
export function createRequestLog(logFile: string): RequestLog {
  return logsAsJson(logFile) ? jsonLinesOnStdout() : readableFile(logFile);
}

/** Query parameters whose values never reach the log file. */
const secretParameters = /([?&](?:token|password)=)[^&]*/gi;
/** Whether a URL has one (a test costs less than a replace that finds nothing, on every request). */
const hasSecretParameter = /[?&](?:token|password)=/i;

/**
 * Lines queued during one turn of the event loop and handed to `write` in one piece right after
 * it: a write per request costs more than the line.
 */
function linesPerTurn(write: (text: string) => void): { push(line: string): void; flush(): void } {
  let pending: string[] = [];
  let timer: NodeJS.Immediate | undefined;
  const flush = () => {
    clearImmediate(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    write(text);
  };
  return {
    push(line) {
      pending.push(line);
      timer ??= setImmediate(flush);
    },
    flush,
  };
}

/** The current time as ISO text; requests ending in the same millisecond share it. */
function isoClock(): () => string {
  let stampedAt = 0;
  let stamp = '';
  return () => {
    const now = Date.now();
    if (now !== stampedAt) [stampedAt, stamp] = [now, new Date(now).toISOString()];
    return stamp;
  };
}

function readableFile(file: string): RequestLog {
  mkdirSync(dirname(file), { recursive: true });
  // A plain appending stream: a line per request costs a string and a buffered write, nothing more.
  const stream = createWriteStream(file, { flags: 'a' });
  let failed = false;
  stream.on('error', (error) => {
    // A full disk or a removed folder must not take the server down; say so once.
    if (!failed) console.error(`node-jobs: the request log ${file} cannot be written: ${error.message}`);
    failed = true;
  });
  const lines = linesPerTurn((text) => {
    if (!failed) stream.write(text);
  });
  const timestamp = isoClock();
  return {
    write({ method, url, status, aborted, ms }) {
      if (failed) return;
      lines.push(
        `${timestamp()} ${method} ${hasSecretParameter.test(url) ? url.replace(secretParameters, '$1***') : url} ${aborted ? `${status} (aborted)` : status} ${ms.toFixed(1)}ms\n`,
      );
    },
    close: () =>
      new Promise<void>((resolve) => {
        lines.flush();
        if (stream.closed) return resolve();
        stream.once('close', () => resolve());
        stream.end();
      }),
  };
}

function jsonLinesOnStdout(): RequestLog {
  // pino's destination (sonic-boom): a write that comes while another is in flight joins the next
  // one, and a slow reader of stdout never blocks the event loop. The line itself is one
  // JSON.stringify: pino cannot leave out its `level`, and a request line has exactly its fields.
  const destination = pino.destination({ fd: 1, sync: false });
  const lines = linesPerTurn((text) => destination.write(text));
  const timestamp = isoClock();
  let closing: Promise<void> | undefined;
  return {
    write({ method, url, status, aborted, ms, requestId }) {
      if (closing) return;
      const query = url.indexOf('?');
      const line: JsonRequestLine = {
        time: timestamp(),
        method,
        url: query === -1 ? url : url.slice(0, query),
        status,
        ms: Math.round(ms * 10) / 10,
        requestId,
      };
      if (aborted) line.aborted = true;
      lines.push(`${JSON.stringify(line)}\n`);
    },
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        lines.flush();
        destination.once('close', () => resolve());
        destination.once('error', () => resolve());
        destination.end();
      })),
  };
}

/** A line of the JSON request log; `aborted` only on a request whose connection closed before its answer. */
interface JsonRequestLine {
  time: string;
  method: string;
  url: string;
  status: number;
  ms: number;
  requestId: string;
  aborted?: true;
}
