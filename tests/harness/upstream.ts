import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The wire format of each job board, replayed from `tests/fixtures/`. */
const routes: Record<string, string> = {
  '/github/positions.json': 'github-positions.json',
  '/arbeitnow/api/job-board-api': 'arbeitnow-job-board-api.json',
  '/remotive/api/remote-jobs': 'remotive-remote-jobs.json',
};

export interface UpstreamFault {
  /** Answer with this status (and a small HTML body, as boards do). */
  status?: number;
  /** Answer 200 with this raw body instead of the fixture. */
  body?: string;
  /** Close the connection without answering. */
  hangUp?: boolean;
}

/** Answers held back by `Upstream.hold()`, until released. */
export interface UpstreamHold {
  /** Resolves once `count` requests wait in this hold. */
  arrived(count?: number): Promise<void>;
  /** Answers every held request (as the board answers at that moment) and stops holding. */
  release(): void;
}

export interface Upstream {
  /** Base URL; append `/github/positions.json`, `/arbeitnow/api/job-board-api` or `/remotive/api/remote-jobs`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: URL[];
  /** Makes every following request fail this way; `undefined` restores normal answers. */
  fault(fault: UpstreamFault | undefined): void;
  /** Holds every following answer until `release()`: the board is slow for exactly as long as a test says. */
  hold(): UpstreamHold;
  close(): Promise<void>;
}

function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)), 'utf8');
}

/** Starts a local HTTP server that answers like the real job boards, from recorded fixtures. */
export async function startUpstream(): Promise<Upstream> {
  const requests: URL[] = [];
  let current: UpstreamFault | undefined;
  interface Held {
    answers: (() => void)[];
    waiters: { count: number; resolve: () => void }[];
  }
  let held: Held | undefined;
  const server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://upstream.test');
    requests.push(url);
    const answer = () => {
      const fault = current;
      if (fault?.hangUp) return void req.socket.destroy();
      if (fault?.status) {
        res.writeHead(fault.status, { 'content-type': 'text/html' }).end(`<html><body>${fault.status}</body></html>`);
        return;
      }
      if (fault?.body !== undefined)
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(fault.body);
      const file = routes[url.pathname];
      if (!file)
        return void res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Not Found</body></html>');
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(fixture(file));
    };
    if (!held) return answer();
    const hold = held;
    hold.answers.push(answer);
    for (const waiter of hold.waiters.filter((waiter) => hold.answers.length >= waiter.count)) waiter.resolve();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    fault: (fault) => {
      current = fault;
    },
    hold: () => {
      const hold: Held = { answers: [], waiters: [] };
      held = hold;
      return {
        arrived: (count = 1) =>
          hold.answers.length >= count
            ? Promise.resolve()
            : new Promise<void>((resolve) => hold.waiters.push({ count, resolve })),
        release: () => {
          if (held === hold) held = undefined;
          for (const answer of hold.answers.splice(0)) answer();
        },
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
