import { describe, expect, it } from 'vitest';
import { requestIdFor } from '../../http/requestId';
import { createAppLogger } from '../../libraries/appLogger';
import { logsAsJson } from '../../libraries/fileLogger';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('the request id', () => {
  it.each(['abc', 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6', 'Root=1-5759e988:svc/a_b.c+d', 'x'.repeat(128)])(
    'keeps a safe incoming id (%s)',
    (id) => {
      expect(requestIdFor({ 'x-request-id': id })).toBe(id);
    },
  );

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['too long', 'x'.repeat(129)],
    ['with a space', 'a b'],
    ['with a tab', 'a\tb'],
    ['with a newline', 'a\nb'],
    ['with a quote', 'a"b'],
    ['with a backslash', 'a\\b'],
    ['not ASCII', 'caf\u00e9'],
  ])('replaces an id that is %s by a fresh uuid', (_what, id) => {
    const fresh = requestIdFor(id === undefined ? {} : { 'x-request-id': id });
    expect(fresh).toMatch(uuid);
    expect(requestIdFor({})).not.toBe(fresh);
  });
});

describe('the log format', () => {
  it('is JSON exactly when log_file is "-"', () => {
    expect(logsAsJson('-')).toBe(true);
    expect(logsAsJson('storage/logs/nodeJobs.log')).toBe(false);
    expect(logsAsJson('-.log')).toBe(false);
  });
});

describe('the application logger as JSON lines', () => {
  const jsonLogger = (silent = false) => {
    const lines: string[] = [];
    const logger = createAppLogger(silent, { json: true, destination: { write: (line: string) => lines.push(line) } });
    return { logger, lines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
  };

  it('writes one object per message with time, level and msg', () => {
    const { logger, lines } = jsonLogger();
    logger.info('started');
    logger.warn('Redis may evict keys');
    logger.error('search failed', 'board down');
    logger.error('odd failure', { code: 7 });
    expect(lines()).toEqual([
      { time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), level: 'info', msg: 'started' },
      { time: expect.any(String), level: 'warn', msg: 'Redis may evict keys' },
      { time: expect.any(String), level: 'error', msg: 'search failed: board down' },
      { time: expect.any(String), level: 'error', msg: 'odd failure: {"code":7}' },
    ]);
  });

  it('keeps the stack of an error in err, its message in msg', () => {
    const { logger, lines } = jsonLogger();
    logger.error('unexpected failure', new TypeError('x is not a function'));
    const [line] = lines();
    expect(line).toMatchObject({
      level: 'error',
      msg: 'unexpected failure: x is not a function',
      err: { type: 'TypeError', message: 'x is not a function', stack: expect.stringContaining('logs.test.ts') },
    });
  });

  it('writes nothing when silent', () => {
    const { logger, lines } = jsonLogger(true);
    logger.info('started');
    logger.error('failed', new Error('no'));
    expect(lines()).toEqual([]);
  });
});
