import { randomUUID } from 'node:crypto';
import type { ModelType } from 'dynamoose/dist/General';
import type { Condition } from 'dynamoose/dist/Condition';
import type {
  CreateTransactionInput,
  DeleteTransactionInput,
  UpdateTransactionInput,
} from 'dynamoose/dist/Transaction';
import type { DynamooseClient } from '../../libraries/dynamoose';
import { HttpError, invalidInput, notFound } from '../../libraries/errors';
import { unicodeFold, userIdPattern } from './users.schemas';
import {
  defineUserKeysModel,
  defineUsersModel,
  type StoredUser,
  type UserItem,
  type UserKeyItem,
  userKeysTable,
  usersTable,
} from '../../models/users';
import { userFromAttributes, userKeyFromAttributes } from '../../models/users.attributes';

/** The position of a page in the users table: the key of the last user of the previous page. */
export interface UserCursor {
  id: string;
  email: string;
}

export interface UserPageResult {
  users: StoredUser[];
  next: UserCursor | null;
}

export interface NewStoredUser {
  email: string;
  username: string;
  /** The bcrypt hash. */
  passwordHash: string;
}

export interface StoredUserChanges {
  email?: string;
  username?: string;
}

type UniqueField = 'email' | 'username';
type WriteTransactionInput = CreateTransactionInput | DeleteTransactionInput | UpdateTransactionInput;

/** How often a write cancelled by a concurrent transaction, or raced by a concurrent update, is retried. */
const maxAttempts = 8;

/** The claim key of a unique value; both emails and usernames are unique ignoring case and look-alikes (NFKC). */
export function uniqueKey(field: UniqueField, value: string): string {
  return `${field}#${unicodeFold(value).toLowerCase()}`;
}

const takenMessages: Record<UniqueField, string> = {
  email: 'email: is already taken.',
  username: 'username: is already taken.',
};

/** Why each operation of a cancelled transaction failed (`None` for those that did not). */
function cancellationReasons(error: unknown): string[] | undefined {
  const failure = error as { name?: string; message?: string; CancellationReasons?: { Code?: string }[] } | undefined;
  if (failure?.name !== 'TransactionCanceledException') return undefined;
  if (Array.isArray(failure.CancellationReasons))
    return failure.CancellationReasons.map((reason) => reason.Code ?? 'None');
  // Some endpoints only list the reasons in the message: "... [ConditionalCheckFailed, None]".
  const listed = /\[([^\]]*)\]\s*$/.exec(failure.message ?? '');
  return listed ? listed[1]!.split(',').map((code) => code.trim()) : [];
}

const isConditionFailure = (error: unknown) =>
  (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';

/** A short random pause, growing with the attempt, so racing writers do not collide again. */
const backOff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));

/** The stored fields of an item, without dynamoose's methods. */
function storedUser(item: UserItem): StoredUser {
  return {
    id: item.id,
    email: item.email,
    username: item.username,
    password: item.password,
    admin: item.admin === true,
  };
}

/** A write operation of a transaction, tagged with what its failure means. */
interface TaggedOperation {
  operation: Promise<WriteTransactionInput>;
  /** `taken:<field>` when a failed condition means the value is taken; `stale` when the user changed meanwhile. */
  meaning: `taken:${UniqueField}` | 'stale';
}

/**
 * Data access of users, shared by the routes and the CLI. Emails and usernames are unique ignoring
 * case under concurrency: each is claimed by an item of the `userKeys` table, written in the same
 * DynamoDB transaction as the user with conditions, so of two racing writers one fails.
 */
export class UsersStore {
  /** The seed's users model. */
  readonly model: ModelType<UserItem>;
  private readonly keys: ModelType<UserKeyItem>;

  private readonly usersTable: string;
  private readonly keysTable: string;

  /** Defines the models; their tables are created by `client.initialize()`. */
  constructor(private readonly client: DynamooseClient) {
    this.model = defineUsersModel(client);
    this.keys = defineUserKeysModel(client);
    this.usersTable = client.tableName(usersTable);
    this.keysTable = client.tableName(userKeysTable);
  }

  /** The user with this id, or undefined. */
  // The two reads every authenticated request and login make skip dynamoose: its item conversion
  // and the debug log it formats for every call (two pretty-printed JSON.stringify and a failed
  // require of dynamoose-logger) were most of the request's CPU. Writes keep the model's validation.
  async getById(id: string): Promise<StoredUser | undefined> {
    if (!userIdPattern.test(id)) return undefined;
    // The range key (email) is not known here, so query the hash key; there is one item at most.
    const { Items } = await this.client.ddb.query({
      TableName: this.usersTable,
      KeyConditionExpression: 'id = :id',
      ExpressionAttributeValues: { ':id': { S: id } },
      ConsistentRead: true,
      Limit: 1,
    });
    return userFromAttributes(Items?.[0]);
  }

  /** The user with this email, ignoring case, or undefined. */
  async getByEmail(email: string): Promise<StoredUser | undefined> {
    // The claim is read consistently, unlike the global index, so a user can log in right after registering.
    const claim = userKeyFromAttributes(
      (
        await this.client.ddb.getItem({
          TableName: this.keysTable,
          Key: { key: { S: uniqueKey('email', email) } },
          ConsistentRead: true,
        })
      ).Item,
    );
    if (!claim?.email) return undefined;
    const { Item } = await this.client.ddb.getItem({
      TableName: this.usersTable,
      Key: { id: { S: claim.userId }, email: { S: claim.email } },
      ConsistentRead: true,
    });
    return userFromAttributes(Item);
  }

  /**
   * A page of users in table order.
   * @param limit page size, 1..100
   * @param cursor where the page starts (the `next` of the previous page)
   */
  async list(limit: number, cursor?: UserCursor): Promise<UserPageResult> {
    const users: StoredUser[] = [];
    let startAt: UserCursor | undefined = cursor;
    // One more than asked tells whether there is a next page; a scan may stop early at 1 MB.
    do {
      const scan = this.model
        .scan()
        .consistent()
        .limit(limit + 1 - users.length);
      if (startAt) scan.startAt({ id: startAt.id, email: startAt.email });
      const items = await scan.exec();
      users.push(...items.map(storedUser));
      startAt = items.lastKey ? { id: String(items.lastKey.id), email: String(items.lastKey.email) } : undefined;
    } while (users.length <= limit && startAt);
    if (users.length <= limit) return { users, next: null };
    const last = users[limit - 1]!;
    return { users: users.slice(0, limit), next: { id: last.id, email: last.email } };
  }

  /**
   * Creates a user with a new uuid, claiming its email and username.
   * @throws HttpError 422 when the email or the username is taken (ignoring case)
   */
  async create(user: NewStoredUser): Promise<StoredUser> {
    const stored: StoredUser = {
      id: randomUUID(),
      email: user.email,
      username: user.username,
      password: user.passwordHash,
      admin: false,
    };
    await this.transact([
      { operation: this.model.transaction.create({ ...stored }, { overwrite: false }), meaning: 'stale' },
      { operation: this.claim('email', stored.email, stored), meaning: 'taken:email' },
      { operation: this.claim('username', stored.username, stored), meaning: 'taken:username' },
    ]);
    return stored;
  }

  /**
   * Changes a user's email and/or username. A new email moves the item (the email is its range
   * key): the old item is deleted and the new one created with the claims updated, in one
   * transaction, so a failure leaves the user as it was.
   * @throws HttpError 404 for an unknown id; 422 when a new value is taken
   */
  async update(id: string, changes: StoredUserChanges): Promise<StoredUser> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.getById(id);
      if (!current) throw notFound('No user with this id.');
      const next: StoredUser = {
        ...current,
        email: changes.email ?? current.email,
        username: changes.username ?? current.username,
      };
      if (next.email === current.email && next.username === current.username) return current;
      try {
        await this.transact(this.updateOperations(current, next));
        return next;
      } catch (error) {
        if (!(error instanceof StaleWriteError) || attempt >= maxAttempts)
          throw error instanceof StaleWriteError ? conflict() : error;
        await backOff(attempt);
      }
    }
  }

  /**
   * Sets or clears a user's admin flag.
   * @returns the updated user, or undefined when no user has this email
   */
  async setAdmin(email: string, admin: boolean): Promise<StoredUser | undefined> {
    for (let attempt = 1; ; attempt++) {
      const user = await this.getByEmail(email);
      if (!user) return undefined;
      if (user.admin === admin) return user;
      try {
        // The condition fails when the email changed meanwhile (the item moved): read it again.
        await this.model.update({ id: user.id, email: user.email }, { admin }, { condition: this.sameUser(user) });
        return { ...user, admin };
      } catch (error) {
        if (!isConditionFailure(error) || attempt >= maxAttempts) throw isConditionFailure(error) ? conflict() : error;
        await backOff(attempt);
      }
    }
  }

  /**
   * Replaces the password hash of `user` as it was read; fails when it changed meanwhile.
   * @throws HttpError 409 when the user changed since it was read (another password change won)
   */
  async setPassword(user: StoredUser, passwordHash: string): Promise<void> {
    try {
      await this.model.update(
        { id: user.id, email: user.email },
        { password: passwordHash },
        { condition: this.sameUser(user) },
      );
    } catch (error) {
      throw isConditionFailure(error) ? conflict() : error;
    }
  }

  /**
   * Deletes a user and frees its email and username, in one transaction.
   * @returns false when there was no such user (anymore)
   */
  async delete(id: string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const user = await this.getById(id);
      if (!user) return false;
      const deletions: TaggedOperation[] = [
        {
          operation: this.model.transaction.delete(
            { id: user.id, email: user.email },
            { condition: this.sameUser(user) },
          ),
          meaning: 'stale',
        },
        ...(['email', 'username'] as const).map((field) => ({
          operation: this.keys.transaction.delete(
            { key: uniqueKey(field, user[field]) },
            { condition: this.ownedBy(user.id) },
          ),
          meaning: 'stale' as const,
        })),
      ];
      try {
        await this.transact(deletions);
        return true;
      } catch (error) {
        if (!(error instanceof StaleWriteError) || attempt >= maxAttempts)
          throw error instanceof StaleWriteError ? conflict() : error;
        await backOff(attempt);
      }
    }
  }

  /** The operations turning `current` into `next`, each conditioned on nothing having changed meanwhile. */
  private updateOperations(current: StoredUser, next: StoredUser): TaggedOperation[] {
    const operations: TaggedOperation[] = [];
    const key = { id: current.id, email: current.email };
    if (next.email !== current.email) {
      operations.push(
        { operation: this.model.transaction.delete(key, { condition: this.sameUser(current) }), meaning: 'stale' },
        { operation: this.model.transaction.create({ ...next }, { overwrite: false }), meaning: 'stale' },
      );
    } else {
      operations.push({
        operation: this.model.transaction.update(
          key,
          { username: next.username },
          { condition: this.sameUser(current) },
        ),
        meaning: 'stale',
      });
    }
    for (const field of ['email', 'username'] as const) {
      const before = uniqueKey(field, current[field]);
      const after = uniqueKey(field, next[field]);
      if (before !== after) {
        operations.push(
          {
            operation: this.keys.transaction.delete({ key: before }, { condition: this.ownedBy(current.id) }),
            meaning: 'stale',
          },
          { operation: this.claim(field, next[field], next), meaning: `taken:${field}` },
        );
      } else if (field === 'email' && next.email !== current.email) {
        // Same email but another case: the claim keeps pointing at the item's exact range key.
        operations.push({
          operation: this.keys.transaction.update(
            { key: before },
            { email: next.email },
            { condition: this.ownedBy(current.id) },
          ),
          meaning: 'stale',
        });
      }
    }
    return operations;
  }

  /** A conditional put of the claim of a unique value: it fails when someone holds it. */
  private claim(field: UniqueField, value: string, user: StoredUser) {
    const item = { key: uniqueKey(field, value), userId: user.id, ...(field === 'email' ? { email: user.email } : {}) };
    return this.keys.transaction.create(item, { overwrite: false });
  }

  /** The stored item still is `user` as read (no concurrent update, admin change or move). */
  private sameUser(user: StoredUser): Condition {
    return new this.client.dynamoose.Condition('id')
      .exists()
      .and()
      .where('username')
      .eq(user.username)
      .and()
      .where('admin')
      .eq(user.admin)
      .and()
      .where('password')
      .eq(user.password);
  }

  private ownedBy(userId: string): Condition {
    return new this.client.dynamoose.Condition('userId').eq(userId);
  }

  /**
   * Runs a write transaction, retrying it when DynamoDB cancels it for a concurrent transaction.
   * @throws HttpError 422 when a claim is taken; StaleWriteError when the user changed meanwhile
   */
  private async transact(operations: TaggedOperation[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.dynamoose.transaction(operations.map((tagged) => tagged.operation));
        return;
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) throw error;
        const failed = operations
          .filter((_, index) => reasons[index] === 'ConditionalCheckFailed')
          .map((tagged) => tagged.meaning);
        const taken = failed.find((meaning) => meaning.startsWith('taken:'));
        if (taken) throw invalidInput(takenMessages[taken.slice('taken:'.length) as UniqueField]);
        if (failed.includes('stale')) throw new StaleWriteError();
        // Cancelled for a conflict with another transaction in flight: try again.
        if (attempt >= maxAttempts) throw conflict();
        await backOff(attempt);
      }
    }
  }
}

/** The user changed between the read and the write. */
class StaleWriteError extends Error {
  constructor() {
    super('The user changed during the update.');
    this.name = 'StaleWriteError';
  }
}

/** 409: concurrent writes kept colliding; the client may simply try again. */
const conflict = () => new HttpError(409, 'The user is being changed by another request; try again.');
