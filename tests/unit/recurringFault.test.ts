import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RecurringFault } from '../../libraries/recurringFault';
import { recordingLogger } from '../harness/logger';

describe('RecurringFault', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('logs the first occurrence at once and the next 999 of the same minute as one count a minute later', () => {
    const logger = recordingLogger();
    const fault = new RecurringFault({ subject: 'disk', logger });
    for (let i = 0; i < 1000; i++) fault.occurred(`ENOSPC ${i}`);
    expect(logger.texts()).toEqual(['warn disk: ENOSPC 0 (logged again at most once every 60 s while it lasts)']);
    vi.advanceTimersByTime(59_999);
    expect(logger.texts()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(logger.texts()[1]).toBe('warn disk: 999 more times in the last 60 s; latest: ENOSPC 999');
    fault.close();
  });

  it('says the fault is over after a whole interval without it, and starts afresh on the next one', () => {
    const logger = recordingLogger();
    const fault = new RecurringFault({ subject: 'Requests answer 503', logger, intervalMs: 1000 });
    fault.occurred('Redis away');
    fault.occurred('Redis away');
    vi.advanceTimersByTime(1000);
    expect(fault.active).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(fault.active).toBe(false);
    expect(logger.texts().slice(1)).toEqual([
      'warn Requests answer 503: 1 more times in the last 1 s; latest: Redis away',
      expect.stringMatching(/^info Requests answer 503: over \(none for 1 s\); 2 times in all since \d{4}-/),
    ]);
    fault.occurred('DynamoDB away');
    expect(logger.texts()[3]).toMatch(/^warn Requests answer 503: DynamoDB away/);
    fault.close();
  });

  it('says at once that the fault is over when told of a recovery, and says nothing for a recovery without a fault', () => {
    const logger = recordingLogger();
    const fault = new RecurringFault({ subject: 'disk', logger });
    fault.recover();
    expect(logger.texts()).toEqual([]);
    fault.occurred('EFBIG');
    fault.recover();
    expect(logger.texts()[1]).toMatch(/^info disk: over \(works again\); 1 times in all since /);
    vi.advanceTimersByTime(120_000);
    expect(logger.texts()).toHaveLength(2);
  });
});
