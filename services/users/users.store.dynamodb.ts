import type { Condition } from 'dynamoose/dist/Condition';
import type { ModelType } from 'dynamoose/dist/General';
import type { DynamooseClient } from '../../libraries/dynamoose';
import { notFound } from '../../libraries/errors';
import { defineUsersModel, type StoredUser, type UserItem, userIdPattern, usersTable } from '../../models/users';
import { userFromAttributes } from '../../models/users.attributes';
import {
  cancellationReasons,
  type ClaimOperation,
  taken,
  type UniqueField,
  UniqueClaims,
  uniqueFields,
  uniqueKey,
} from './users.claims';
import { conflict, retryOnConflict, StaleWriteError } from './users.conflicts';
import {
  newStoredUser,
  type NewStoredUser,
  type StoredUserChanges,
  type UserCursor,
  type UserPageResult,
  type UsersStore,
} from './users.store';

const isStale = (error: unknown) => error instanceof StaleWriteError;
const isConditionFailure = (error: unknown) =>
  (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';
/** Cancelled for a conflict with another transaction in flight (a failed condition is told apart before). */
const isCancelled = (error: unknown) => cancellationReasons(error) !== undefined;

/** The stored fields of an item, without dynamoose's methods. */
function storedUser(item: UserItem): StoredUser {
  return {
    id: item.id,
    email: item.email,
    username: item.username,
    password: item.password,
    admin: item.admin === true,
    emailVerified: item.emailVerified === true,
    tokenGeneration: typeof item.tokenGeneration === 'number' ? item.tokenGeneration : 0,
  };
}

/** A write operation of a transaction, tagged with what its failure means. */
interface TaggedOperation {
  operation: ClaimOperation;
  /** `taken:<field>` when a failed condition means the value is taken; `stale` when the user changed meanwhile. */
  meaning: `taken:${UniqueField}` | 'stale';
}

/**
 * The users in DynamoDB, shared by the routes and the CLI. Each email and username is claimed by
 * an item of the `userKeys` table (`UniqueClaims`), written in the same transaction as the user.
 */
export class DynamoUsersStore implements UsersStore {
  private readonly model: ModelType<UserItem>;
  private readonly claims: UniqueClaims;
  private readonly usersTable: string;

  /** Defines the models; their tables are created by `client.initialize()`. */
  constructor(private readonly client: DynamooseClient) {
    this.model = defineUsersModel(client);
    this.claims = new UniqueClaims(client);
    this.usersTable = client.tableName(usersTable);
  }

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

  async getByEmail(email: string): Promise<StoredUser | undefined> {
    const claim = await this.claims.holder('email', email);
    if (!claim?.email) return undefined;
    const { Item } = await this.client.ddb.getItem({
      TableName: this.usersTable,
      Key: { id: { S: claim.userId }, email: { S: claim.email } },
      ConsistentRead: true,
    });
    return userFromAttributes(Item);
  }

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

  async create(user: NewStoredUser): Promise<StoredUser> {
    const stored = newStoredUser(user);
    await this.transact([
      { operation: this.model.transaction.create({ ...stored }, { overwrite: false }), meaning: 'stale' },
      ...uniqueFields.map((field) => ({
        operation: this.claims.claim(field, stored),
        meaning: `taken:${field}` as const,
      })),
    ]);
    return stored;
  }

  /** A new email moves the item (the email is its range key): the old item is deleted and the new one created. */
  update(id: string, changes: StoredUserChanges): Promise<StoredUser> {
    return retryOnConflict(async () => {
      const current = await this.getById(id);
      if (!current) throw notFound('No user with this id.');
      const email = changes.email ?? current.email;
      const next: StoredUser = {
        ...current,
        email,
        username: changes.username ?? current.username,
        emailVerified: current.emailVerified && uniqueKey('email', email) === uniqueKey('email', current.email),
      };
      if (next.email === current.email && next.username === current.username) return current;
      await this.transact(this.updateOperations(current, next));
      return next;
    }, isStale);
  }

  setAdmin(email: string, admin: boolean): Promise<StoredUser | undefined> {
    return retryOnConflict(async () => {
      const user = await this.getByEmail(email);
      if (!user) return undefined;
      if (user.admin === admin) return user;
      // The condition fails when the email changed meanwhile (the item moved): read it again.
      await this.model.update({ id: user.id, email: user.email }, { admin }, { condition: this.sameUser(user) });
      return { ...user, admin };
    }, isConditionFailure);
  }

  async setPassword(user: StoredUser, passwordHash: string): Promise<number> {
    const tokenGeneration = user.tokenGeneration + 1;
    try {
      // The hash and the generation in one conditional write: a login that read the old hash
      // carries the old generation, refused from the moment the new hash is stored.
      await this.model.update(
        { id: user.id, email: user.email },
        { password: passwordHash, tokenGeneration },
        { condition: this.sameUser(user) },
      );
    } catch (error) {
      throw isConditionFailure(error) ? conflict() : error;
    }
    return tokenGeneration;
  }

  moveTokenGeneration(id: string): Promise<number | undefined> {
    return retryOnConflict(async () => {
      const user = await this.getById(id);
      if (!user) return undefined;
      const tokenGeneration = user.tokenGeneration + 1;
      // The condition fails when the generation moved meanwhile, or the item moved (a new email): read it again.
      await this.model.update(
        { id: user.id, email: user.email },
        { tokenGeneration },
        { condition: new this.client.dynamoose.Condition('id').exists().and().group(this.sameGeneration(user)) },
      );
      return tokenGeneration;
    }, isConditionFailure);
  }

  async setEmailVerified(user: StoredUser): Promise<StoredUser | undefined> {
    if (user.emailVerified) return user;
    try {
      // The item's key holds the email: after a change of email this key has no item, and the condition fails.
      await this.model.update(
        { id: user.id, email: user.email },
        { emailVerified: true },
        { condition: new this.client.dynamoose.Condition('id').exists() },
      );
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
    return { ...user, emailVerified: true };
  }

  delete(id: string): Promise<boolean> {
    return retryOnConflict(async () => {
      const user = await this.getById(id);
      if (!user) return false;
      const key = { id: user.id, email: user.email };
      await this.transact([
        { operation: this.model.transaction.delete(key, { condition: this.sameUser(user) }), meaning: 'stale' },
        ...uniqueFields.map((field) => ({ operation: this.claims.release(field, user), meaning: 'stale' as const })),
      ]);
      return true;
    }, isStale);
  }

  /** The operations turning `current` into `next`, each conditioned on nothing having changed meanwhile. */
  private updateOperations(current: StoredUser, next: StoredUser): TaggedOperation[] {
    const key = { id: current.id, email: current.email };
    const operations: TaggedOperation[] =
      next.email !== current.email
        ? [
            { operation: this.model.transaction.delete(key, { condition: this.sameUser(current) }), meaning: 'stale' },
            { operation: this.model.transaction.create({ ...next }, { overwrite: false }), meaning: 'stale' },
          ]
        : [
            {
              operation: this.model.transaction.update(
                key,
                { username: next.username },
                { condition: this.sameUser(current) },
              ),
              meaning: 'stale',
            },
          ];
    for (const field of uniqueFields) {
      if (uniqueKey(field, current[field]) !== uniqueKey(field, next[field])) {
        operations.push(
          { operation: this.claims.release(field, current), meaning: 'stale' },
          { operation: this.claims.claim(field, next), meaning: `taken:${field}` },
        );
      } else if (field === 'email' && next.email !== current.email) {
        // Same email but another case: the claim keeps pointing at the item's exact range key.
        operations.push({ operation: this.claims.respell(current, next.email), meaning: 'stale' });
      }
    }
    return operations;
  }

  /** The stored item still is `user` as read (no concurrent update, admin change, password change, logout everywhere or move). */
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
      .eq(user.password)
      .and()
      .group(this.sameGeneration(user));
  }

  /** The stored token generation is still `user`'s (absent counts as 0: items stored before it existed). */
  private sameGeneration(user: StoredUser): Condition {
    const same = new this.client.dynamoose.Condition('tokenGeneration').eq(user.tokenGeneration);
    return user.tokenGeneration === 0 ? same.or().where('tokenGeneration').not().exists() : same;
  }

  /**
   * Runs a write transaction, again when DynamoDB cancels it for a concurrent transaction.
   * @throws HttpError 422 when a claim is taken; StaleWriteError when the user changed meanwhile
   */
  private transact(operations: TaggedOperation[]): Promise<void> {
    return retryOnConflict(async () => {
      try {
        await this.client.dynamoose.transaction(operations.map((tagged) => tagged.operation));
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) throw error;
        const failed = operations
          .filter((_, index) => reasons[index] === 'ConditionalCheckFailed')
          .map((tagged) => tagged.meaning);
        const takenField = failed.find((meaning) => meaning.startsWith('taken:'));
        if (takenField) throw taken(takenField.slice('taken:'.length) as UniqueField);
        if (failed.includes('stale')) throw new StaleWriteError();
        throw error;
      }
    }, isCancelled);
  }
}
