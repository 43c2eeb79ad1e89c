import bcrypt from 'bcrypt';
import { describe, expect, it, vi } from 'vitest';
import { fitsBcrypt, hashPassword, maxPasswordBytes, verifyPassword } from '../../libraries/passwords';

describe('passwords', () => {
  it('fits bcrypt up to 72 bytes of UTF-8, counting bytes rather than characters', () => {
    expect(maxPasswordBytes).toBe(72);
    expect(fitsBcrypt('a'.repeat(72))).toBe(true);
    expect(fitsBcrypt('a'.repeat(73))).toBe(false);
    expect(fitsBcrypt('é'.repeat(36))).toBe(true);
    expect(fitsBcrypt('é'.repeat(36) + 'a')).toBe(false);
  });

  it('hashes with the given cost and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse', 4);
    expect(hash).toMatch(/^\$2b\$04\$/);
    expect(await verifyPassword('correct horse', hash, 4)).toBe(true);
    expect(await verifyPassword('wrong horse', hash, 4)).toBe(false);
  });

  it('refuses any password when there is no hash (unknown user), at every cost', async () => {
    expect(await verifyPassword('anything', undefined, 4)).toBe(false);
    expect(await verifyPassword('anything', undefined, 4)).toBe(false);
    expect(await verifyPassword('', undefined, 5)).toBe(false);
  });

  // Counted, not timed: the work done is what a clock would see. The spies call through.
  it('checks an unknown user with one comparison against a hash of the same cost and hashes nothing, from the first call on', async () => {
    const compare = vi.spyOn(bcrypt, 'compare');
    const hash = vi.spyOn(bcrypt, 'hash');
    try {
      // A cost no other test of this file uses: this is the process's first unknown user at it.
      expect(await verifyPassword('a guess', undefined, 6)).toBe(false);
      expect(compare.mock.calls.map(([password, against]) => [password, String(against).slice(0, 7)])).toEqual([
        ['a guess', '$2b$06$'],
      ]);
      expect(hash).not.toHaveBeenCalled();
    } finally {
      compare.mockRestore();
      hash.mockRestore();
    }
  });
});
