import { describe, expect, it } from 'vitest';
import { jobSchema, searchQuerySchema } from '../../services/jobs/jobs.schemas';
import { fakeJob } from '../harness/jobs';

/** The parsed query, or the messages of its issues. */
const parse = (query: unknown) => {
  const result = searchQuerySchema.safeParse(query);
  return result.success ? result.data : result.error.issues.map((issue) => issue.message);
};

describe('the query of GET /', () => {
  it('trims location and description, and reads blank ones as absent', () => {
    expect(parse({ location: ' Berlin ', description: '  node ' })).toEqual({
      location: 'Berlin',
      description: 'node',
      fullTime: false,
    });
    expect(parse({ location: '   ', description: '' })).toEqual({
      location: undefined,
      description: undefined,
      fullTime: false,
    });
    expect(parse({})).toEqual({ location: undefined, description: undefined, fullTime: false });
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['on', true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['off', false],
    ['', false],
  ])('reads full_time=%s as %s', (value, fullTime) => {
    expect(parse({ full_time: value })).toMatchObject({ fullTime });
  });

  it('accepts 200 characters of a criterion, and names the rule broken past them, for a list or another word', () => {
    expect(parse({ location: 'x'.repeat(200) })).toMatchObject({ location: 'x'.repeat(200) });
    expect(parse({ location: 'x'.repeat(201) })).toEqual(['location must be at most 200 characters.']);
    expect(parse({ description: 'x'.repeat(201) })).toEqual(['description must be at most 200 characters.']);
    expect(parse({ location: ['a', 'b'] })).toEqual(['location must be a single text value.']);
    expect(parse({ description: ['a', 'b'] })).toEqual(['description must be a single text value.']);
    expect(parse({ full_time: 'sometimes' })).toEqual(['full_time must be true or false.']);
  });

  it('refuses a parameter it does not know', () => {
    expect(parse({ page: '2' })).toHaveLength(1);
  });
});

describe('the job schema', () => {
  it('accepts a normalized job and refuses one of an unknown type or without a field', () => {
    expect(jobSchema.safeParse(fakeJob('j1')).success).toBe(true);
    expect(jobSchema.safeParse({ ...fakeJob('j1'), company_url: 'https://example.com' }).success).toBe(true);
    expect(jobSchema.safeParse({ ...fakeJob('j1'), type: 'Gig' }).success).toBe(false);
    const { title: _title, ...untitled } = fakeJob('j1');
    expect(jobSchema.safeParse(untitled).success).toBe(false);
  });
});
