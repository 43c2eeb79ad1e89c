import { request, type Agent } from 'node:http';
import { connect, type Socket } from 'node:net';

/** An answer as it came over the wire: status, headers (lower-case names) and body. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** How `rawRequest` sends: through `agent` (false: a connection of its own, closed after the answer). */
export interface RawRequestOptions {
  agent: Agent | false;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

/** One request, its answer read in full; rejects with the socket's error (ECONNREFUSED…) or after `timeoutMs`. */
export function rawRequest(url: string, options: RawRequestOptions): Promise<RawAnswer> {
  const { agent, method = 'GET', headers = {}, body, timeoutMs = 10_000 } = options;
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method, headers, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        if (agent === false) req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A GET on a connection of its own (no pooling, asking for keep-alive, closed after the answer),
 * so that headers such as `Connection` and `Keep-Alive` are the server's choice.
 */
export function rawGet(url: string, timeoutMs = 10_000): Promise<RawAnswer> {
  return rawRequest(url, { agent: false, headers: { Connection: 'keep-alive' }, timeoutMs });
}

/** Whether nothing accepts connections on `port` any more (ECONNREFUSED). */
export function refusesConnections(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/**
 * Writes `bytes` as they are on a new connection to `port` and reads everything the server sends
 * until it closes the connection; parses the first answer (status line, headers, body).
 */
export function rawExchange(port: number, bytes: string | Buffer, timeoutMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`the connection stayed open ${timeoutMs} ms`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may close while we still write (a request it refused half way): what it sent counts.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0),
        headers,
        body: rest.join('\r\n\r\n'),
      });
    });
    socket.write(bytes);
  });
}
