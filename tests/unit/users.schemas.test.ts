import { describe, expect, it } from 'vitest';
import { encodeCursor, newUserSchema, userListQuerySchema } from '../../services/users/users.schemas';

const valid = { email: 'ada@example.com', username: 'ada1815', password: 'correct horse' };

describe('user input rules', () => {
  it('counts the password in UTF-8 bytes, as bcrypt does', () => {
    expect(newUserSchema.safeParse({ ...valid, password: '€'.repeat(24) }).success).toBe(true); // 72 bytes
    expect(newUserSchema.safeParse({ ...valid, password: '€'.repeat(25) }).success).toBe(false); // 75 bytes, 25 characters
    expect(newUserSchema.safeParse({ ...valid, password: '€€' }).success).toBe(false); // 6 bytes
    expect(newUserSchema.safeParse({ ...valid, password: '€€€' }).success).toBe(true); // 9 bytes
  });

  it('drops spaces around the email but keeps the password as typed', () => {
    expect(newUserSchema.parse({ ...valid, email: '  ada@example.com ', password: ' secret pass ' })).toEqual({
      ...valid,
      password: ' secret pass ',
    });
  });

  it('takes only ASCII letters and digits in usernames', () => {
    for (const username of ['ädaaa', 'ada 1815', 'ada-1815', 'ada_1815'])
      expect(newUserSchema.safeParse({ ...valid, username }).success, username).toBe(false);
  });

  it('reads back the cursors it writes, and refuses any other', () => {
    const key = { id: '7b0e3f5e-2f1a-4c3b-9d7e-1a2b3c4d5e6f', email: 'Ada@Example.com' };
    expect(userListQuerySchema.parse({ cursor: encodeCursor(key) })).toEqual({ limit: 20, cursor: key });
    for (const cursor of [
      '',
      'abc',
      encodeCursor({ id: 'x', email: 'a@b.co' }),
      Buffer.from('[1,2]').toString('base64url'),
      encodeCursor({ ...key, email: 'a'.repeat(300) }),
    ]) {
      expect(userListQuerySchema.safeParse({ cursor }).success, cursor).toBe(false);
    }
  });
});
