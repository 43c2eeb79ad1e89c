import type { Condition } from 'dynamoose/dist/Condition';
import type { ModelType } from 'dynamoose/dist/General';
import type {
  CreateTransactionInput,
  DeleteTransactionInput,
  UpdateTransactionInput,
} from 'dynamoose/dist/Transaction';
import type { DynamooseClient } from '../../libraries/dynamoose';
import { HttpError, invalidInput } from '../../libraries/errors';
import {
  defineUserKeysModel,
  type StoredUser,
  unicodeFold,
  type UserKey,
  type UserKeyItem,
  userKeysTable,
} from '../../models/users';
import { userKeyFromAttributes } from '../../models/users.attributes';

/** A value no two users may share. */
export type UniqueField = 'email' | 'username';

export const uniqueFields: readonly UniqueField[] = ['email', 'username'];

/** The claim key of a unique value; both emails and usernames are unique ignoring case and look-alikes (NFKC). */
export function uniqueKey(field: UniqueField, value: string): string {
  return `${field}#${unicodeFold(value).toLowerCase()}`;
}

const takenMessages: Record<UniqueField, string> = {
  email: 'email: is already taken.',
  username: 'username: is already taken.',
};

/** 422: another user holds this value. */
export const taken = (field: UniqueField): HttpError => invalidInput(takenMessages[field], `${field}_taken`);

/** Why each operation of a cancelled transaction failed (`None` for those that did not); undefined for any other error. */
export function cancellationReasons(error: unknown): string[] | undefined {
  const failure = error as { name?: string; message?: string; CancellationReasons?: { Code?: string }[] } | undefined;
  if (failure?.name !== 'TransactionCanceledException') return undefined;
  if (Array.isArray(failure.CancellationReasons))
    return failure.CancellationReasons.map((reason) => reason.Code ?? 'None');
  // Some endpoints only list the reasons in the message: "... [ConditionalCheckFailed, None]".
  const listed = /\[([^\]]*)\]\s*$/.exec(failure.message ?? '');
  return listed ? listed[1]!.split(',').map((code) => code.trim()) : [];
}

export type ClaimOperation = Promise<CreateTransactionInput | DeleteTransactionInput | UpdateTransactionInput>;

/**
 * The claims of unique values, one item of the `userKeys` table per email and per username.
 * DynamoDB indexes do not enforce uniqueness, so every write that takes or frees a value puts or
 * deletes its claim in the same transaction as the user, conditionally: of two racing writers, one
 * fails. Each method below is one operation of such a transaction.
 */
export class UniqueClaims {
  private readonly model: ModelType<UserKeyItem>;
  private readonly table: string;

  /** Defines the model; its table is created by `client.initialize()`. */
  constructor(private readonly client: DynamooseClient) {
    this.model = defineUserKeysModel(client);
    this.table = client.tableName(userKeysTable);
  }

  /** The claim of a value, read consistently (a user can log in right after registering); undefined when free. */
  async holder(field: UniqueField, value: string): Promise<UserKey | undefined> {
    const { Item } = await this.client.ddb.getItem({
      TableName: this.table,
      Key: { key: { S: uniqueKey(field, value) } },
      ConsistentRead: true,
    });
    return userKeyFromAttributes(Item);
  }

  /** Puts the claim of `user`'s value; it fails when someone holds it. An email claim names the exact email. */
  claim(field: UniqueField, user: StoredUser): ClaimOperation {
    const item = {
      key: uniqueKey(field, user[field]),
      userId: user.id,
      ...(field === 'email' ? { email: user.email } : {}),
    };
    return this.model.transaction.create(item, { overwrite: false });
  }

  /** Deletes the claim of `user`'s value; it fails when `user` does not hold it. */
  release(field: UniqueField, user: StoredUser): ClaimOperation {
    return this.model.transaction.delete({ key: uniqueKey(field, user[field]) }, { condition: this.ownedBy(user.id) });
  }

  /** Points `user`'s email claim at the same email in another case (the users table's range key). */
  respell(user: StoredUser, email: string): ClaimOperation {
    return this.model.transaction.update(
      { key: uniqueKey('email', user.email) },
      { email },
      { condition: this.ownedBy(user.id) },
    );
  }

  private ownedBy(userId: string): Condition {
    return new this.client.dynamoose.Condition('userId').eq(userId);
  }
}
