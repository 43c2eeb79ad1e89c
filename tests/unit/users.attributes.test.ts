import { describe, expect, it } from 'vitest';
import { userFromAttributes, userKeyFromAttributes } from '../../models/users.attributes';

const stored = {
  id: { S: '0f8fad5b-d9cb-469f-a165-70867728950e' },
  email: { S: 'Ada@example.com' },
  username: { S: 'ada' },
  password: { S: '$2b$10$hash' },
};

describe('reading users from DynamoDB attribute values (the reads that skip dynamoose)', () => {
  it('reads every field of a stored user, admin only when stored true', () => {
    expect(
      userFromAttributes({
        ...stored,
        admin: { BOOL: true },
        emailVerified: { BOOL: true },
        tokenGeneration: { N: '7' },
      }),
    ).toEqual({
      id: '0f8fad5b-d9cb-469f-a165-70867728950e',
      email: 'Ada@example.com',
      username: 'ada',
      password: '$2b$10$hash',
      admin: true,
      emailVerified: true,
      tokenGeneration: 7,
    });
    expect(userFromAttributes({ ...stored, admin: { BOOL: false } })?.admin).toBe(false);
    expect(userFromAttributes(stored)?.admin).toBe(false);
  });

  it('reads the token generation of a user stored before it existed as 0', () => {
    expect(userFromAttributes(stored)?.tokenGeneration).toBe(0);
    expect(userFromAttributes({ ...stored, tokenGeneration: { N: 'not a number' } })?.tokenGeneration).toBe(0);
  });

  it('answers undefined for no item and for an item that lacks a required field', () => {
    expect(userFromAttributes(undefined)).toBeUndefined();
    for (const field of ['id', 'email', 'username', 'password'] as const)
      expect(userFromAttributes({ ...stored, [field]: undefined }), field).toBeUndefined();
    // A value of another type is no value of the schema's.
    expect(userFromAttributes({ ...stored, password: { BOOL: true } })).toBeUndefined();
  });

  it('reads an email claim with the email as stored, and a username claim without one', () => {
    const userId = { S: stored.id.S };
    expect(userKeyFromAttributes({ key: { S: 'email#ada@example.com' }, userId, email: stored.email })).toEqual({
      key: 'email#ada@example.com',
      userId: stored.id.S,
      email: 'Ada@example.com',
    });
    expect(userKeyFromAttributes({ key: { S: 'username#ada' }, userId })).toEqual({
      key: 'username#ada',
      userId: stored.id.S,
    });
    expect(userKeyFromAttributes({ key: { S: 'username#ada' } })).toBeUndefined();
    expect(userKeyFromAttributes(undefined)).toBeUndefined();
  });
});
