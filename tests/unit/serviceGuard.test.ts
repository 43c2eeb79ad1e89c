import { describe, expect, it } from 'vitest';
import { HttpError } from '../../libraries/errors';
import { ServiceGuard } from '../../libraries/serviceGuard';

/** A call that never answers, as a stalled service's (the real stall is in tests/resilience). */
const stalled = () => new Promise<never>(() => undefined);

describe('ServiceGuard', () => {
  it('fails a call that outlasts its deadline with a 503 carrying Retry-After', async () => {
    const guard = new ServiceGuard({ service: 'DynamoDB', timeoutMs: 50, maxInFlight: 5 });
    const started = Date.now();
    const error = await guard.run(stalled).catch((thrown: unknown) => thrown);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({
      status: 503,
      message: 'DynamoDB did not answer in time; try again shortly.',
      headers: { 'Retry-After': '2' },
    });
    expect(guard.inFlight).toBe(0);
  });

  it('refuses at once the calls past its in-flight bound, and admits calls again once they end', async () => {
    const guard = new ServiceGuard({ service: 'DynamoDB', timeoutMs: 300, maxInFlight: 2 });
    const waiting = [guard.run(stalled), guard.run(stalled)].map((call) => call.catch((thrown: unknown) => thrown));
    const started = Date.now();
    await expect(guard.run(() => Promise.resolve('answered'))).rejects.toMatchObject({
      status: 503,
      message: 'DynamoDB is busy; try again shortly.',
      headers: { 'Retry-After': '2' },
    });
    expect(Date.now() - started).toBeLessThan(100);
    await Promise.all(waiting);
    await expect(guard.run(() => Promise.resolve('answered'))).resolves.toBe('answered');
  });

  it('passes answers and errors of the service through unchanged', async () => {
    const guard = new ServiceGuard({ service: 'S3', timeoutMs: 1000, maxInFlight: 1 });
    await expect(guard.run(() => Promise.resolve(42))).resolves.toBe(42);
    const refusal = Object.assign(new Error('The conditional request failed'), {
      name: 'ConditionalCheckFailedException',
    });
    await expect(guard.run(() => Promise.reject(refusal))).rejects.toBe(refusal);
  });
});
