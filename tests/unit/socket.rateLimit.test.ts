import { describe, expect, it } from 'vitest';
import { SocketRateLimit } from '../../services/randomjobs/socket.rateLimit';

/** A limiter on a clock the test moves by hand. */
function limiterAt(perSecond: number, floodMs = 10_000) {
  const clock = { now: 0 };
  return { clock, limiter: new SocketRateLimit({ perSecond, floodMs, now: () => clock.now }) };
}

describe('the per-socket rate limit', () => {
  it('allows perSecond events in any one-second span and refuses the rest', () => {
    const { clock, limiter } = limiterAt(10);
    const verdicts = Array.from({ length: 25 }, () => limiter.take());
    expect(verdicts.filter((verdict) => verdict === 'allowed')).toHaveLength(10);
    clock.now = 999;
    expect(limiter.take()).toBe('limited');
    clock.now = 1000;
    expect(limiter.take()).toBe('allowed');
  });

  it('never allows more than perSecond × seconds over a long burst (fake time)', () => {
    const { clock, limiter } = limiterAt(10, Number.POSITIVE_INFINITY);
    let allowed = 0;
    for (let event = 0; event < 2000; event += 1) {
      clock.now = event * 3; // 2,000 events in 6 s
      if (limiter.take() === 'allowed') allowed += 1;
    }
    expect(allowed).toBeLessThanOrEqual(10 * Math.ceil(clock.now / 1000));
    expect(allowed).toBeGreaterThanOrEqual(10 * Math.floor(clock.now / 1000));
  });

  it('tells to disconnect a socket that floods for floodMs without a calm second (fake time)', () => {
    const { clock, limiter } = limiterAt(10, 10_000);
    let disconnectedAt: number | undefined;
    for (clock.now = 0; clock.now <= 12_000 && disconnectedAt === undefined; clock.now += 50) {
      if (limiter.take() === 'disconnect') disconnectedAt = clock.now;
    }
    expect(disconnectedAt).toBeGreaterThanOrEqual(10_500);
    // The flood began at the first refusal (0.5 s: ten allowed first).
    expect(disconnectedAt).toBeLessThanOrEqual(10_600);
  });

  it('forgives a socket that pauses: a calm second ends the flood (fake time)', () => {
    const { clock, limiter } = limiterAt(2, 3000);
    for (clock.now = 0; clock.now < 2500; clock.now += 10) expect(limiter.take()).not.toBe('disconnect');
    clock.now += 1500;
    for (const end = clock.now + 2500; clock.now < end; clock.now += 10) expect(limiter.take()).not.toBe('disconnect');
  });
});
