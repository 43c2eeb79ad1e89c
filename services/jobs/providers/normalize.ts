import type { JobType } from '../../../client/types';
import { UpstreamError } from './provider';

const typeWords: [RegExp, JobType][] = [
  [/full[\s_-]?time|festanstellung|permanent/i, 'Full Time'],
  [/part[\s_-]?time|teilzeit/i, 'Part Time'],
  [/contract|freelance|temporary/i, 'Contract'],
  [/intern|praktikum|werkstudent|working student|trainee/i, 'Internship'],
];

/** Maps a board's job-type wording (`full_time`, `Full-Time`, `contract`, …) to a `JobType`. */
export function jobType(...words: (string | null | undefined)[]): JobType {
  for (const word of words) {
    if (!word) continue;
    for (const [pattern, type] of typeWords) if (pattern.test(word)) return type;
  }
  return 'Other';
}

/** Reads date text: ISO (without an offset it is taken as UTC, as boards mean it) or GitHub Jobs' `Wed Mar 25 17:28:18 UTC 2020`. */
function parseDateText(value: string): Date {
  if (/^\d+$/.test(value)) return new Date(Number(value) * 1000);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return new Date(`${value}Z`);
  return new Date(value.replace(/^(\w{3}) (\w{3}) (\d{1,2}) ([\d:]+) UTC (\d{4})$/, '$2 $3 $5 $4 UTC'));
}

/**
 * Turns a board's date (ISO text, GitHub Jobs' `Wed Mar 25 17:28:18 UTC 2020`, or Unix seconds)
 * into ISO 8601; the epoch when it cannot be read.
 */
export function isoDate(value: unknown): string {
  const date =
    typeof value === 'number'
      ? new Date(value < 1e12 ? value * 1000 : value)
      : typeof value === 'string'
        ? parseDateText(value)
        : new Date(Number.NaN);
  return Number.isNaN(date.getTime()) ? new Date(0).toISOString() : date.toISOString();
}

/** A string field of an upstream record, or `fallback`. */
export function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : fallback;
}

/** A URL field of an upstream record, or null when absent or not http(s). */
export function urlOrNull(value: unknown): string | null {
  return typeof value === 'string' && /^https?:\/\//i.test(value) ? value : null;
}

/**
 * Reads the array of records a board answered with.
 * @throws UpstreamError when the body does not have the board's shape
 */
export function recordsOf(
  body: unknown,
  pick: (body: Record<string, unknown>) => unknown,
  board: string,
): Record<string, unknown>[] {
  const records = Array.isArray(body)
    ? body
    : typeof body === 'object' && body !== null
      ? pick(body as Record<string, unknown>)
      : undefined;
  if (!Array.isArray(records)) throw new UpstreamError(`The job board (${board}) answered in an unexpected format.`);
  return records.filter((record): record is Record<string, unknown> => typeof record === 'object' && record !== null);
}
