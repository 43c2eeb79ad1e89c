import { describe, expect, it } from 'vitest';
import { execForm, healthCheckOf, parseDockerfile } from '../lib/dockerfile';

const sample = [
  '# syntax=docker/dockerfile:1',
  'FROM node:24 AS build',
  'WORKDIR /src',
  'RUN --mount=type=cache,target=/root/.npm npm ci \\',
  '  # a comment inside a continuation',
  ' && npm run build',
  '',
  'FROM node:24-slim',
  'COPY --from=build --chown=1000:1000 /src/dist/ dist/',
  'HEALTHCHECK --interval=30s --start-period=1m --retries=3 CMD ["node", "-e", "process.exit(0)"]',
  'CMD ["node", "dist/cli.js", "serve"]',
].join('\n');

describe('the Dockerfile reader', () => {
  it('reads stages, flags and continuation lines, and skips comments', () => {
    const [build, runtime] = parseDockerfile(sample);
    expect(build).toMatchObject({ name: 'build', base: 'node:24' });
    expect(build!.instructions[1]).toEqual({
      keyword: 'RUN',
      flags: { mount: 'type=cache,target=/root/.npm' },
      args: 'npm ci && npm run build',
      line: 4,
    });
    expect(runtime).toMatchObject({ name: undefined, base: 'node:24-slim' });
    expect(runtime!.instructions[0]).toMatchObject({
      flags: { from: 'build', chown: '1000:1000' },
      args: '/src/dist/ dist/',
    });
  });

  it('reads the exec form, and refuses the shell form that would put a shell between Docker and node', () => {
    const [, runtime] = parseDockerfile(sample);
    expect(execForm(runtime!.instructions.at(-1)!)).toEqual(['node', 'dist/cli.js', 'serve']);
    expect(() => execForm({ keyword: 'CMD', args: 'node dist/cli.js serve', line: 9 })).toThrow(
      /line 9: CMD is not in exec form/,
    );
    expect(() => execForm({ keyword: 'CMD', args: '[]', line: 9 })).toThrow(/exec form/);
  });

  it('reads a HEALTHCHECK with its timings in seconds', () => {
    const [, runtime] = parseDockerfile(sample);
    expect(healthCheckOf(runtime!)).toEqual({
      command: ['node', '-e', 'process.exit(0)'],
      intervalS: 30,
      timeoutS: undefined,
      startPeriodS: 60,
      retries: 3,
    });
    expect(() => healthCheckOf(parseDockerfile('FROM x\nCMD ["a"]')[0]!)).toThrow(/no HEALTHCHECK/);
  });
});
