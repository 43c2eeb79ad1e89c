import { HttpError } from '../../libraries/errors';

/** How often a write cancelled by a concurrent transaction, or raced by a concurrent update, is tried. */
export const maxAttempts = 8;

/** 409: concurrent writes kept colliding; the client may simply try again. */
export const conflict = () => new HttpError(409, 'The user is being changed by another request; try again.');

/** The user changed between the read and the write. */
export class StaleWriteError extends Error {
  constructor() {
    super('The user changed during the update.');
    this.name = 'StaleWriteError';
  }
}

/** A short random pause, growing with the attempt, so racing writers do not collide again. */
const backOff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));

/**
 * Runs `write` (a read and the conditional write that depends on it) until it succeeds, again
 * after a short random pause while it fails for a collision with a concurrent writer.
 * @param collided whether a failure was such a collision
 * @throws the first failure that is no collision; HttpError 409 when `maxAttempts` attempts collided
 */
export async function retryOnConflict<T>(write: () => Promise<T>, collided: (error: unknown) => boolean): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!collided(error)) throw error;
      if (attempt >= maxAttempts) throw conflict();
      await backOff(attempt);
    }
  }
}
