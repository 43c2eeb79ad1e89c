import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { Agent } from 'node:http';
import { unhandledRejectionMarker } from '../../commands/support/lifecycle';
import { exited, spawnCli, waitForLine } from '../harness/cli';
import { rawRequest } from '../harness/rawHttp';
import { testAppKey } from '../harness/testServer';

/** One answer seen during a fault. */
export interface Answer {
  route: string;
  status: number;
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
  ): Promise<Answer & { body: unknown }> {
    const started = Date.now();
    try {
      const { status, retryAfter, text } = agent
        ? await sendThrough(agent, url, init)
        : await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) }).then(async (response) => ({
            status: response.status,
            retryAfter: response.headers.get('retry-after'),
            text: await response.text(),
          }));
      const answer = { route, status, ms: Date.now() - started, retryAfter };
      this.answers.push(answer);
      return { ...answer, body: parsedOrUndefined(text) };
    } catch {
      const answer = { route, status: 0, ms: Date.now() - started, retryAfter: null };
      this.answers.push(answer);
      return { ...answer, body: undefined };
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
  await Promise.all(Array.from({ length: count }, () => rawRequest(`${url}/openapi.json`, { agent })));
  return agent;
}

/** One request of `FaultRecord` through a node:http agent. */
async function sendThrough(
  agent: Agent,
  url: string,
  init: RequestInit,
): Promise<{ status: number; retryAfter: string | null; text: string }> {
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => (headers[name] = value));
  const answer = await rawRequest(url, {
    agent,
    method: init.method,
    headers,
    body: typeof init.body === 'string' ? init.body : undefined,
    timeoutMs: 30_000,
  });
  const retryAfter = answer.headers['retry-after'];
  return { status: answer.status, retryAfter: typeof retryAfter === 'string' ? retryAfter : null, text: answer.body };
}

/** A JSON body, or undefined when there is none (or it is not JSON). */
function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
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
