import { describe, expect, it } from 'vitest';
import { cancellationReasons, taken, uniqueKey } from '../../services/users/users.claims';

describe('the claims of unique emails and usernames', () => {
  it('claim an email or a username ignoring case and Unicode look-alikes (NFKC)', () => {
    expect(uniqueKey('email', 'Ada@Example.COM')).toBe('email#ada@example.com');
    expect(uniqueKey('username', 'ＡｄａＬｏｖｅｌａｃｅ')).toBe(uniqueKey('username', 'adalovelace'));
    expect(uniqueKey('username', 'ada')).not.toBe(uniqueKey('email', 'ada'));
  });

  it('keep a string with a lone surrogate as it is rather than fail on it', () => {
    expect(uniqueKey('username', 'A\uD800')).toBe('username#a\uD800');
  });

  it('answer a taken value with 422 naming the field', () => {
    expect([taken('email'), taken('username')].map((error) => [error.status, error.message])).toEqual([
      [422, 'email: is already taken.'],
      [422, 'username: is already taken.'],
    ]);
  });

  it('read why each operation of a cancelled transaction failed, from the error or else from its message', () => {
    const cancelled = (fields: object) => Object.assign(new Error('Transaction cancelled'), fields);
    expect(
      cancellationReasons(
        cancelled({
          name: 'TransactionCanceledException',
          CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }, {}],
        }),
      ),
    ).toEqual(['None', 'ConditionalCheckFailed', 'None']);
    expect(
      cancellationReasons(
        cancelled({
          name: 'TransactionCanceledException',
          message:
            'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]',
        }),
      ),
    ).toEqual(['None', 'ConditionalCheckFailed']);
    expect(cancellationReasons(cancelled({ name: 'TransactionCanceledException' }))).toEqual([]);
  });

  it('tell any other error from a cancelled transaction', () => {
    expect(
      cancellationReasons(Object.assign(new Error('no'), { name: 'ConditionalCheckFailedException' })),
    ).toBeUndefined();
    expect(cancellationReasons(undefined)).toBeUndefined();
  });
});
