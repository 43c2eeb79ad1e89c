import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../http/html';
import { isoDate, jobType, recordsOf, str, urlOrNull } from '../../services/jobs/providers/normalize';
import { UpstreamError } from '../../services/jobs/providers/provider';

describe('jobType', () => {
  it.each([
    ['full_time', 'Full Time'],
    ['Full-Time', 'Full Time'],
    ['fulltime', 'Full Time'],
    ['Festanstellung', 'Full Time'],
    ['permanent', 'Full Time'],
    ['part time', 'Part Time'],
    ['Parttime', 'Part Time'],
    ['Teilzeit', 'Part Time'],
    ['contract', 'Contract'],
    ['Freelance', 'Contract'],
    ['temporary', 'Contract'],
    ['internship', 'Internship'],
    ['Praktikum', 'Internship'],
    ['Werkstudent', 'Internship'],
    ['working student', 'Internship'],
    ['trainee', 'Internship'],
    ['volunteer', 'Other'],
  ] as const)('reads %s as %s', (word, type) => {
    expect(jobType(word)).toBe(type);
  });

  it('takes the first word that means something, skipping empty ones', () => {
    expect(jobType(undefined, null, '', 'contract', 'full time')).toBe('Contract');
    expect(jobType('remote', 'part_time')).toBe('Part Time');
    expect(jobType()).toBe('Other');
  });
});

describe('isoDate', () => {
  // A local time zone far from UTC, so that reading a date as local time instead of UTC shows. This works
  // in a child process (vitest's forks); worker threads keep the zone they started with, so
  // `npm run test:mutation` (Stryker runs vitest in threads) sets TZ for the whole run.
  const zone = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = 'America/Sao_Paulo';
  });
  afterAll(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('runs in a time zone that is not UTC', () => {
    expect(new Date('2020-02-15T10:23:26').toISOString()).toBe('2020-02-15T13:23:26.000Z');
  });

  it('reads Unix seconds and milliseconds, as numbers or digits', () => {
    expect(isoDate(1715000000)).toBe('2024-05-06T12:53:20.000Z');
    expect(isoDate(1715000000123)).toBe('2024-05-06T12:53:20.123Z');
    expect(isoDate('1715000000')).toBe('2024-05-06T12:53:20.000Z');
    // Numbers from 10^12 on are milliseconds (2001-09-09 as milliseconds, year 33658 as seconds).
    expect(isoDate(999_999_999_999)).toBe('+033658-09-27T01:46:39.000Z');
    expect(isoDate(1e12)).toBe('2001-09-09T01:46:40.000Z');
  });

  it('reads ISO text without an offset as UTC, and keeps an offset', () => {
    expect(isoDate('2020-02-15T10:23:26')).toBe('2020-02-15T10:23:26.000Z');
    expect(isoDate('2020-02-15T10:23:26.5')).toBe('2020-02-15T10:23:26.500Z');
    expect(isoDate('2020-02-15T10:23:26.125')).toBe('2020-02-15T10:23:26.125Z');
    expect(isoDate('2020-02-15T10:23')).toBe('2020-02-15T10:23:00.000Z');
    expect(isoDate('2024-05-13T15:30:02+02:00')).toBe('2024-05-13T13:30:02.000Z');
    expect(isoDate('2024-05-13T15:30:02Z')).toBe('2024-05-13T15:30:02.000Z');
  });

  it("reads GitHub Jobs' date format", () => {
    expect(isoDate('Wed Mar 25 17:28:18 UTC 2020')).toBe('2020-03-25T17:28:18.000Z');
    expect(isoDate('Mon Feb 3 09:05:00 UTC 2020')).toBe('2020-02-03T09:05:00.000Z');
  });

  it('reads only whole ISO texts as such', () => {
    expect(isoDate('x2020-02-15T10:23:26')).toBe('1970-01-01T00:00:00.000Z');
    expect(isoDate('2020-02-15T10:23:26 trailing')).toBe('1970-01-01T00:00:00.000Z');
  });

  it('answers the epoch for what it cannot read', () => {
    for (const value of ['not a date', '', null, undefined, true, {}, Number.NaN])
      expect(isoDate(value)).toBe('1970-01-01T00:00:00.000Z');
  });
});

describe('str and urlOrNull', () => {
  it('str keeps text, writes numbers as text, and falls back for anything else', () => {
    expect(str('text')).toBe('text');
    expect(str(42)).toBe('42');
    expect(str(null)).toBe('');
    expect(str({ a: 1 }, 'fallback')).toBe('fallback');
    expect(str(undefined, 'fallback')).toBe('fallback');
  });

  it('urlOrNull keeps only http(s) URLs', () => {
    expect(urlOrNull('https://example.com/logo.png')).toBe('https://example.com/logo.png');
    expect(urlOrNull('HTTP://example.com')).toBe('HTTP://example.com');
    expect(urlOrNull('ftp://example.com')).toBeNull();
    expect(urlOrNull('javascript:alert(1)')).toBeNull();
    expect(urlOrNull('see https://example.com')).toBeNull();
    expect(urlOrNull(null)).toBeNull();
    expect(urlOrNull(3)).toBeNull();
    // Only text: a list whose text would be a URL is not one.
    expect(urlOrNull(['https://example.com'])).toBeNull();
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-special characters and nothing else', () => {
    expect(escapeHtml(`a&b<c>d"e'f ü/=`)).toBe('a&#38;b&#60;c&#62;d&#34;e&#39;f ü/=');
  });
});

describe('recordsOf', () => {
  const pickJobs = (body: Record<string, unknown>) => body.jobs;

  it('takes a top-level array, or the array the board keeps under its key, dropping what is not a record', () => {
    expect(recordsOf([{ a: 1 }, null, 'x', 3, { b: 2 }], pickJobs, 'board')).toEqual([{ a: 1 }, { b: 2 }]);
    expect(recordsOf({ jobs: [{ a: 1 }, null] }, pickJobs, 'board')).toEqual([{ a: 1 }]);
  });

  it('throws UpstreamError naming the board for any other shape', () => {
    for (const body of [{ data: [] }, { jobs: 'none' }, 'text', null, 7]) {
      expect(() => recordsOf(body, pickJobs, 'remotive')).toThrow(
        new UpstreamError('The job board (remotive) answered in an unexpected format.'),
      );
    }
    expect(() => recordsOf({ jobs: [] }, pickJobs, 'x')).not.toThrow();
  });
});
