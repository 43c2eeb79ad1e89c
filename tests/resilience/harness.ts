import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { unhandledRejectionMarker } from '../../commands/support/lifecycle';
import { exited, spawnCli, waitForLine } from '../harness/cli';
import { testAppKey } from '../harness/testServer';

/** One answer seen during a fault. */
export interface Answer {
  route: string;
  status: number;
  /** When the request was sent (`Date.now()`). */
  startedAt: number;
  ms: number;
  retryAfter: string | null;
}

/** What a fault run saw: every answer, and what was lost. */
export class FaultRecord {
  readonly answers: Answer[] = [];
  lost = 0;

  constructor(readonly fault: string) {}

  /**
   * Makes one request, timing it; a request that cannot reach the server is status 0. Through
   * `agent` (see `openConnections`) it goes over a connection already open.
   */
  async request(
    route: string,
    url: string,
    init: RequestInit = {},
    agent?: Agent,
  ): Promise<Answer & { body: unknown; headers: Headers | undefined }> {
    const started = Date.now();
    try {
      const response = agent
        ? await requestThrough(agent, url, init)
        : await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
      const body: unknown = await response.json().catch(() => undefined);
      const answer = {
        route,
        status: response.status,
        startedAt: started,
        ms: Date.now() - started,
        retryAfter: response.headers.get('retry-after'),
      };
      this.answers.push(answer);
      return { ...answer, body, headers: response.headers };
    } catch {
      const answer = { route, status: 0, startedAt: started, ms: Date.now() - started, retryAfter: null };
      this.answers.push(answer);
      return { ...answer, body: undefined, headers: undefined };
    }
  }

  /** The one summary line of the fault: requests, answers by status, slowest answer, data lost. */
  summary(): string {
    const byStatus = new Map<number, number>();
    for (const { status } of this.answers) byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    const statuses = [...byStatus]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}×${count}`)
      .join(' ');
    const slowest = this.answers.reduce((max, answer) => Math.max(max, answer.ms), 0);
    return `resilience | ${this.fault} | ${this.answers.length} requests | answers ${statuses || 'none'} | slowest ${slowest} ms | data lost ${this.lost}`;
  }
}

/**
 * A keep-alive agent holding `count` connections to the server at `url`, opened by as many
 * requests at once: a burst sent through it times the server, not the kernel accepting connections
 * (a burst of new connections can overflow a listen queue, and a dropped SYN is resent after 1 s).
 */
export async function openConnections(url: string, count: number): Promise<Agent> {
  const agent = new Agent({ keepAlive: true, maxSockets: count });
  const answers = await Promise.all(
    Array.from({ length: count }, () => requestThrough(agent, `${url}/openapi.json`).then((answer) => answer.text())),
  );
  if (answers.length !== count) throw new Error('the connections did not open');
  return agent;
}

/** A request through a node:http agent, answered as a fetch `Response` (its body read in full). */
async function requestThrough(agent: Agent, url: string, init: RequestInit = {}): Promise<Response> {
  const { status, headers, body } = await new Promise<{ status: number; headers: Headers; body: Buffer }>(
    (resolve, reject) => {
      const request = httpRequest(
        url,
        {
          agent,
          method: init.method ?? 'GET',
          headers: headersObject(new Headers(init.headers)),
          signal: AbortSignal.timeout(30_000),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const received = new Headers();
            for (const [name, value] of Object.entries(response.headers)) {
              for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value])
                received.append(name, one);
            }
            resolve({ status: response.statusCode ?? 0, headers: received, body: Buffer.concat(chunks) });
          });
        },
      );
      request.on('error', reject);
      request.end(typeof init.body === 'string' ? init.body : undefined);
    },
  );
  return new Response(status === 304 || status === 204 ? null : new Uint8Array(body), { status, headers });
}

function headersObject(headers: Headers): Record<string, string> {
  const object: Record<string, string> = {};
  headers.forEach((value, name) => (object[name] = value));
  return object;
}

/** Runs `step` over and over from `workers` loops until `until` resolves. */
export async function underLoad(
  workers: number,
  until: Promise<unknown>,
  step: (worker: number, round: number) => Promise<unknown>,
): Promise<void> {
  let done = false;
  const stop = until.finally(() => (done = true));
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let round = 0; !done; round += 1) await step(worker, round);
    }),
  );
  await stop;
}

/** Resolves after `ms`: the length of a fault, not a wait for something to happen. */
export const faultLasting = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A `node-jobs serve` process of the suite, with its output kept to look for unhandled rejections. */
export interface ServeProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  /** Everything it printed so far. */
  output(): string;
  /** Tells whether it printed the unhandled-rejection marker. */
  rejectedUnhandled(): boolean;
  stop(): Promise<void>;
}

/** Starts `node-jobs serve` with `settings` (environment variables, as an operator gives them) and waits until it listens. */
export async function startServe(settings: Record<string, string>, cwd: string): Promise<ServeProcess> {
  const child = spawnCli(['serve', '--host', '127.0.0.1'], { cwd, env: { APP_KEY: testAppKey, ...settings } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [, url] = await waitForLine(child, /node-jobs API: (http:\/\/\S+?)\/?\n/, 90_000);
  return {
    child,
    url: url!,
    output: () => output,
    rejectedUnhandled: () => output.includes(unhandledRejectionMarker),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
