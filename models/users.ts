import type { Item } from 'dynamoose/dist/Item';
import type { ModelType } from 'dynamoose/dist/General';
import type { DynamooseClient } from '../dynamoose';

/** A user as stored: `password` is the bcrypt hash, never the password itself. */
export interface StoredUser {
  id: string;
  /** As the user typed it; uniqueness ignores case (see `UserKeyItem`). */
  email: string;
  username: string;
  password: string;
  admin: boolean;
}

export type UserItem = Item & StoredUser;

/**
 * One claimed unique value: `email#<lower-case email>` or `username#<lower-case username>`.
 * DynamoDB indexes do not enforce uniqueness, so every write that takes or frees a value puts or
 * deletes its claim in the same transaction, conditionally.
 */
export interface UserKey {
  key: string;
  userId: string;
  /** For an email claim, the email exactly as stored (it is the users table's range key). */
  email?: string;
}

export type UserKeyItem = Item & UserKey;

/** DynamoDB's attribute values as the reads that skip dynamoose receive them (the types this schema uses). */
export type StoredAttributes = Record<string, { S?: string; BOOL?: boolean } | undefined>;

/**
 * A user from an item's attribute values, checked as the schema would (`username` and `password`
 * required, `admin` false unless stored true); undefined when there is no item or it is no user.
 */
export function userFromAttributes(item: StoredAttributes | undefined): StoredUser | undefined {
  const id = item?.id?.S;
  const email = item?.email?.S;
  const username = item?.username?.S;
  const password = item?.password?.S;
  if (id === undefined || email === undefined || username === undefined || password === undefined) return undefined;
  return { id, email, username, password, admin: item?.admin?.BOOL === true };
}

/** A unique-value claim from an item's attribute values; undefined when there is none. */
export function userKeyFromAttributes(item: StoredAttributes | undefined): UserKey | undefined {
  const key = item?.key?.S;
  const userId = item?.userId?.S;
  if (key === undefined || userId === undefined) return undefined;
  const email = item?.email?.S;
  return email === undefined ? { key, userId } : { key, userId, email };
}

/** Table names, after `dynamodb_table_prefix`. */
export const usersTable = 'users';
export const userKeysTable = 'userKeys';

/**
 * The seed's users model: `id` hash key; `email` range key with a global index; `username`
 * required with a global index; `password` (the bcrypt hash) required; `admin` false by default.
 */
export function defineUsersModel(client: DynamooseClient): ModelType<UserItem> {
  const schema = new client.dynamoose.Schema({
    id: { type: String, hashKey: true },
    email: { type: String, rangeKey: true, index: { type: 'global', name: 'emailIndex' } },
    username: { type: String, required: true, index: { type: 'global', name: 'usernameIndex' } },
    password: { type: String, required: true },
    admin: { type: Boolean, default: false },
  });
  return client.model<UserItem>(usersTable, schema);
}

/** The claims of unique values, one item per email and per username. */
export function defineUserKeysModel(client: DynamooseClient): ModelType<UserKeyItem> {
  const schema = new client.dynamoose.Schema({
    key: { type: String, hashKey: true },
    userId: { type: String, required: true },
    email: { type: String },
  });
  return client.model<UserKeyItem>(userKeysTable, schema);
}
