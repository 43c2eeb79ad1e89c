import { messageOf } from './errors';

/**
 * One run of provisioning (`node-jobs provision`, or `dev` creating its own tables and bucket): the
 * changes it makes — or, in a dry run, only lists — the settings an endpoint cannot do, and the
 * problems it cannot fix, each reported as a line when it happens.
 */

/** What became of one thing provisioning looked at. */
export type ProvisionOutcome = 'done' | 'planned' | 'skipped' | 'problem';

export interface ProvisionLine {
  /** `DynamoDB table nodeLessons-users`, `S3 bucket nodelessons-profile-images`. */
  resource: string;
  /** The change, as an imperative (`create …`, `turn on point-in-time recovery`), or the problem. */
  action: string;
  outcome: ProvisionOutcome;
  /** Why it was skipped. */
  reason?: string;
}

/** Error names of an endpoint that does not implement an operation (DynamoDB Local, s3rver). */
const unsupportedNames = new Set(['UnknownOperationException', 'NotImplemented']);

/**
 * Tells whether an error says that the endpoint does not implement the operation at all (as
 * DynamoDB Local does for point-in-time recovery, and s3rver for public access blocks).
 */
export function isUnsupportedOperation(error: unknown): boolean {
  const failure = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } } | undefined;
  return (
    (typeof failure?.name === 'string' && unsupportedNames.has(failure.name)) ||
    failure?.$metadata?.httpStatusCode === 501
  );
}

/** The reason line of a setting an endpoint does not implement. */
export const unsupportedReason = (error: unknown) =>
  `the endpoint does not implement it (${(error as { name?: string } | undefined)?.name ?? messageOf(error)})`;

export interface ProvisionRunOptions {
  /** List the changes without making them. */
  dryRun: boolean;
  /** Receives each line as it happens (none: silent). */
  report?: (line: string) => void;
}

/** The lines of one provisioning run, and what they add up to. */
export class ProvisionRun {
  readonly lines: ProvisionLine[] = [];

  constructor(readonly options: ProvisionRunOptions) {}

  get dryRun(): boolean {
    return this.options.dryRun;
  }

  /**
   * Makes one change (in a dry run: only lists it). An endpoint that does not implement the
   * operation turns it into a skipped line.
   * @returns true when the change was made or, in a dry run, listed
   * @throws whatever else `apply` throws
   */
  async change(resource: string, action: string, apply: () => Promise<void>): Promise<boolean> {
    if (this.dryRun) {
      this.add({ resource, action, outcome: 'planned' });
      return true;
    }
    try {
      await apply();
    } catch (error) {
      if (!isUnsupportedOperation(error)) throw error;
      this.skip(resource, action, unsupportedReason(error));
      return false;
    }
    this.add({ resource, action, outcome: 'done' });
    return true;
  }

  /** Records a change that cannot be made here, and why. */
  skip(resource: string, action: string, reason: string): void {
    this.add({ resource, action, outcome: 'skipped', reason });
  }

  /** Records what provisioning cannot fix (a table with another key, access denied). */
  problem(resource: string, message: string): void {
    this.add({ resource, action: message, outcome: 'problem' });
  }

  count(outcome: ProvisionOutcome): number {
    return this.lines.filter((line) => line.outcome === outcome).length;
  }

  /** The closing line: how many changes, skips and problems. */
  summary(): string {
    const [done, planned, skipped, problems] = (['done', 'planned', 'skipped', 'problem'] as const).map((outcome) =>
      this.count(outcome),
    ) as [number, number, number, number];
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const parts: string[] = [];
    if (this.dryRun)
      parts.push(
        planned === 0 ? 'Dry run: no change to make' : `Dry run: ${plural(planned, 'change')} to make, none made`,
      );
    else parts.push(done === 0 ? 'No change' : `${plural(done, 'change')} made`);
    if (skipped > 0) parts.push(`${plural(skipped, 'setting')} skipped`);
    if (problems > 0) parts.push(`${plural(problems, 'problem')} to fix by hand`);
    return `${parts.join('; ')}.`;
  }

  private add(line: ProvisionLine): void {
    this.lines.push(line);
    this.options.report?.(formatLine(line));
  }
}

/** How a line reads in the output of `node-jobs provision`. */
function formatLine(line: ProvisionLine): string {
  switch (line.outcome) {
    case 'done':
      return `${line.resource}: ${line.action}: done`;
    case 'planned':
      return `${line.resource}: would ${line.action}`;
    case 'skipped':
      return `${line.resource}: ${line.action}: skipped, ${line.reason}`;
    case 'problem':
      return `${line.resource}: ${line.action}`;
  }
}
