import { serviceUnavailable } from './errors';

export interface ServiceGuardOptions {
  /** The service's name, for messages (`DynamoDB`). */
  service: string;
  /** Longest a call may take, retries included; past it the call fails with a 503. */
  timeoutMs: number;
  /** Calls allowed to wait at once; past it a call fails with a 503 at once. */
  maxInFlight: number;
}

/** Seconds a client is told to wait before retrying a call the guard refused. */
const retryAfterS = 2;

/**
 * Bounds the calls to one outside service: each gets a deadline, and only `maxInFlight` may wait at
 * once, so a stalled service answers 503 quickly instead of piling up requests without end.
 */
export class ServiceGuard {
  private waiting = 0;

  constructor(readonly options: ServiceGuardOptions) {}

  /** Calls waiting on the service now. */
  get inFlight(): number {
    return this.waiting;
  }

  /**
   * Runs one call to the service under the deadline and the in-flight bound.
   * @throws HttpError 503 with `Retry-After` when the bound is reached or the deadline passes
   */
  async run<T>(call: () => Promise<T>): Promise<T> {
    const { service, timeoutMs, maxInFlight } = this.options;
    if (this.waiting >= maxInFlight) throw serviceUnavailable(`${service} is busy; try again shortly.`, retryAfterS);
    this.waiting += 1;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(serviceUnavailable(`${service} did not answer in time; try again shortly.`, retryAfterS)),
        timeoutMs,
      );
    });
    try {
      // The abandoned call still ends by itself: the SDK's own request timeout closes its socket.
      return await Promise.race([call(), deadline]);
    } finally {
      clearTimeout(timer);
      this.waiting -= 1;
    }
  }
}
