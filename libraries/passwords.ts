import { randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';

/**
 * Password hashing with the native `bcrypt` package: it hashes on libuv's thread pool, so the
 * event loop that serves every socket keeps running while a hash is computed (`createServer` runs
 * the pool below the loop's priority: libraries/threadPool.ts).
 */

/** bcrypt ignores every byte past the 72nd, so no password may be longer (in UTF-8). */
export const maxPasswordBytes = 72;

/** Whether a password fits bcrypt's 72 bytes (in UTF-8), so that all of it counts. */
export function fitsBcrypt(password: string): boolean {
  return Buffer.byteLength(password, 'utf8') <= maxPasswordBytes;
}

/** A bcrypt hash per cost that no password matches, compared against when there is no user. */
const dummyHashes = new Map<number, Promise<string>>();

/** bcrypt's own base64 alphabet. */
const bcryptAlphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A well-formed hash of cost `rounds` — a fresh salt and a random checksum — made without hashing
 * anything: comparing against it costs exactly what comparing against a real hash of that cost
 * does, from the first unknown user on (a dummy made by hashing would cost the first one a hash more).
 */
async function dummyHash(rounds: number): Promise<string> {
  const salt = await bcrypt.genSalt(rounds);
  const checksum = Array.from(randomBytes(31), (byte) => bcryptAlphabet[byte % bcryptAlphabet.length]).join('');
  return salt + checksum;
}

/**
 * Hashes a password (`$2b$`, the given cost).
 * @param rounds bcrypt cost (`bcrypt_rounds`)
 */
export function hashPassword(password: string, rounds: number): Promise<string> {
  return bcrypt.hash(password, rounds);
}

/**
 * Checks a password against a stored hash. Without a hash (unknown user) it compares against a
 * dummy hash of the same cost and answers false, so both failures take about the same time.
 * @param rounds the cost of the dummy hash (`bcrypt_rounds`)
 */
export async function verifyPassword(password: string, hash: string | undefined, rounds: number): Promise<boolean> {
  if (hash === undefined) {
    let dummy = dummyHashes.get(rounds);
    if (!dummy) dummyHashes.set(rounds, (dummy = dummyHash(rounds)));
    await bcrypt.compare(password, await dummy);
    return false;
  }
  return bcrypt.compare(password, hash);
}
