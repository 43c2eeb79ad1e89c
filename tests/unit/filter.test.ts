import { describe, expect, it } from 'vitest';
import type { Job } from '../../client/types';
import { filterJobs } from '../../services/jobs/filter';
import { fakeJob } from '../harness/jobs';

const job = fakeJob;

const ids = (jobs: Job[]) => jobs.map((found) => found.id);

describe('filterJobs', () => {
  const jobs = [
    job('berlin-node', { title: 'Senior Node.js Engineer', location: 'Berlin, Germany' }),
    job('munich-react', { title: 'Frontend Developer', company: 'ReactCorp', location: 'Munich' }),
    job('hamburg-rust', { description: '<p>We write <strong>Rust</strong> services.</p>', location: 'Hamburg' }),
    job('berlin-part', { type: 'Part Time', title: 'Part-time Node.js Tester', location: 'BERLIN' }),
    job('remote-contract', { type: 'Contract', location: 'Remote' }),
  ];

  it('keeps every job for an empty query', () => {
    expect(ids(filterJobs(jobs, { fullTime: false }))).toEqual(ids(jobs));
  });

  it('matches the description text alone, when neither title nor company contains the words', () => {
    expect(ids(filterJobs(jobs, { description: 'rust', fullTime: false }))).toEqual(['hamburg-rust']);
  });

  it('matches the title and the company, ignoring case', () => {
    expect(ids(filterJobs(jobs, { description: 'NODE.JS', fullTime: false }))).toEqual(['berlin-node', 'berlin-part']);
    expect(ids(filterJobs(jobs, { description: 'reactcorp', fullTime: false }))).toEqual(['munich-react']);
  });

  it('matches the location as a case-insensitive substring', () => {
    expect(ids(filterJobs(jobs, { location: 'berlin', fullTime: false }))).toEqual(['berlin-node', 'berlin-part']);
    expect(ids(filterJobs(jobs, { location: 'MUNICH', fullTime: false }))).toEqual(['munich-react']);
  });

  it('keeps only Full Time jobs when fullTime is set', () => {
    expect(ids(filterJobs(jobs, { fullTime: true }))).toEqual(['berlin-node', 'munich-react', 'hamburg-rust']);
    expect(ids(filterJobs(jobs, { location: 'berlin', description: 'node', fullTime: true }))).toEqual(['berlin-node']);
  });

  it('needs every given criterion to match', () => {
    expect(ids(filterJobs(jobs, { location: 'Hamburg', description: 'node', fullTime: false }))).toEqual([]);
    expect(ids(filterJobs(jobs, { location: 'Hamburg', description: 'rust', fullTime: false }))).toEqual([
      'hamburg-rust',
    ]);
  });

  it('treats a missing field as empty text instead of failing', () => {
    const sparse = job('sparse', { description: null as unknown as string, company: undefined as unknown as string });
    expect(ids(filterJobs([sparse], { description: 'engineer', fullTime: false }))).toEqual(['sparse']);
    expect(ids(filterJobs([sparse], { description: 'gmbh', fullTime: false }))).toEqual([]);
    // A missing field matches no text at all.
    const bare = job('bare', {
      title: 'X',
      company: null as unknown as string,
      description: undefined as unknown as string,
      location: null as unknown as string,
    });
    expect(ids(filterJobs([bare], { description: 'e', fullTime: false }))).toEqual([]);
    expect(ids(filterJobs([bare], { location: 'e', fullTime: false }))).toEqual([]);
  });
});
