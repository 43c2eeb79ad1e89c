import { describe, expect, it } from 'vitest';
import { maxAttempts, retryOnConflict } from '../../services/users/users.conflicts';

class Collision extends Error {}
const collided = (error: unknown) => error instanceof Collision;

describe('retryOnConflict', () => {
  it('tries a write that collided with a concurrent writer again, until it succeeds', async () => {
    let attempts = 0;
    const result = await retryOnConflict(async () => {
      attempts++;
      if (attempts < 3) throw new Collision();
      return 'written';
    }, collided);
    expect([result, attempts]).toEqual(['written', 3]);
  });

  it(`answers 409 once ${maxAttempts} attempts in a row collided`, async () => {
    let attempts = 0;
    const outcome = retryOnConflict(() => {
      attempts++;
      return Promise.reject(new Collision());
    }, collided);
    await expect(outcome).rejects.toMatchObject({
      status: 409,
      message: 'The user is being changed by another request; try again.',
    });
    expect(attempts).toBe(maxAttempts);
  });

  it('passes on at once a failure that is no collision', async () => {
    let attempts = 0;
    const failure = new Error('DynamoDB is away');
    await expect(
      retryOnConflict(() => {
        attempts++;
        return Promise.reject(failure);
      }, collided),
    ).rejects.toBe(failure);
    expect(attempts).toBe(1);
  });
});
