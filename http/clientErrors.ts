import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { codeOfStatus, type ErrorBody } from '../client/types';
import { requestIdHeader } from './requestId';
import { securityHeaderEntries } from './securityHeaders';

/** What each refusal of Node's HTTP parser answers (Node's own choice of status), with a message safe to show. */
function refusalOf(code: string | undefined): { status: number; message: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, message: 'The request headers are too large.' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, message: 'The request has chunk extensions that are too large.' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, message: 'The request took too long to arrive.' };
    default:
      return { status: 400, message: 'The request cannot be read as HTTP.' };
  }
}

/** A whole HTTP/1.1 answer with the JSON error body, the security headers and `Connection: close`. */
function rawAnswer(status: number, message: string): string {
  const body = JSON.stringify({ hasError: 1, error: message, code: codeOfStatus(status) } satisfies ErrorBody);
  const headers: ReadonlyArray<readonly [string, string]> = [
    ['Content-Type', 'application/json; charset=utf-8'],
    ['Content-Length', String(Buffer.byteLength(body))],
    [requestIdHeader, randomUUID()],
    ...securityHeaderEntries,
    ['Connection', 'close'],
  ];
  const head = headers.map(([name, value]) => `${name}: ${value}`).join('\r\n');
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n${head}\r\n\r\n${body}`;
}

interface SocketWithResponse extends Socket {
  /** The answer in progress on the connection (Node's own field). */
  _httpMessage?: { headersSent?: boolean } | null;
}

/**
 * Answers what Node's HTTP parser refuses (a malformed request line, headers too large, a request
 * too slow to arrive) with the API's JSON error body instead of Node's empty one, where an answer
 * can still be written: like Node, only when no answer has started on the connection. Then closes
 * the connection.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: SocketWithResponse) => {
    const started = socket._httpMessage?.headersSent === true;
    if (error.code !== 'ECONNRESET' && socket.writable && !started) {
      const { status, message } = refusalOf(error.code);
      socket.end(rawAnswer(status, message));
      // A client that never reads must not hold the connection open.
      socket.setTimeout(5000, () => socket.destroy());
      return;
    }
    socket.destroy();
  });
}
