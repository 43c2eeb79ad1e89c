import type { AppLogger } from './appLogger';

/** How a recurring fault is reported. */
export interface RecurringFaultOptions {
  /** What fails, the start of every line: `data_file cannot be saved`, `Requests answer 503`. */
  subject: string;
  logger: AppLogger;
  /** At most one line per interval while the fault lasts; the fault is over after an interval without it. Default a minute. */
  intervalMs?: number;
}

/**
 * Reports a fault that may recur on every request (a full disk, a service down) without a line per
 * occurrence: one warning when it starts, then at most one line per interval with the number of
 * occurrences since the last line, and one when it is over — told by `recover()`, or after a whole
 * interval without it.
 */
export class RecurringFault {
  private readonly intervalMs: number;
  /** When the current fault started; undefined while there is none. */
  private startedAt: number | undefined;
  private total = 0;
  private sinceLastLine = 0;
  private latestReason = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RecurringFaultOptions) {
    this.intervalMs = options.intervalMs ?? 60_000;
  }

  /** Whether the fault is going on now. */
  get active(): boolean {
    return this.startedAt !== undefined;
  }

  /**
   * Counts one occurrence of the fault; the first of a fault is logged at once.
   * @param reason what failed this time (an error's message)
   */
  occurred(reason: string): void {
    this.total += 1;
    this.latestReason = reason;
    if (this.startedAt !== undefined) {
      this.sinceLastLine += 1;
      return;
    }
    this.startedAt = Date.now();
    this.options.logger.warn(
      `${this.options.subject}: ${reason} (logged again at most once every ${this.seconds()} s while it lasts)`,
    );
    this.arm();
  }

  /** Tells that the faulty thing works again; logged when a fault was going on. */
  recover(): void {
    if (this.startedAt === undefined) return;
    this.end('works again');
  }

  /** Stops the timer (the server closes); nothing more is logged. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    this.timer = setTimeout(() => this.tick(), this.intervalMs);
    // A fault being reported never keeps the process alive.
    this.timer.unref();
  }

  private tick(): void {
    if (this.sinceLastLine === 0) return this.end(`none for ${this.seconds()} s`);
    this.options.logger.warn(
      `${this.options.subject}: ${this.sinceLastLine} more times in the last ${this.seconds()} s; latest: ${this.latestReason}`,
    );
    this.sinceLastLine = 0;
    this.arm();
  }

  private end(how: string): void {
    const since = new Date(this.startedAt ?? Date.now()).toISOString();
    this.options.logger.info(`${this.options.subject}: over (${how}); ${this.total} times in all since ${since}`);
    this.close();
    this.startedAt = undefined;
    this.total = 0;
    this.sinceLastLine = 0;
  }

  private seconds(): number {
    return Math.round(this.intervalMs / 1000);
  }
}
