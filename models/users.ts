import type { Item } from 'dynamoose/dist/Item';
import type { ModelType } from 'dynamoose/dist/General';
import type { DynamooseClient } from '../libraries/dynamoose';
import { tables } from './tables';

/** A user as stored: `password` is the bcrypt hash, never the password itself. */
export interface StoredUser {
  id: string;
  /** As the user typed it; uniqueness ignores case (see `UserKeyItem`). */
  email: string;
  username: string;
  password: string;
  admin: boolean;
  /** The user opened the link mailed to `email`; false for users stored before the attribute existed. */
  emailVerified: boolean;
  /**
   * Moves on (+1) with every change that refuses all of the user's tokens at once: log out
   * everywhere, a password change or reset. A token carries the generation it was issued at and is
   * refused once it is past. Absent in items stored before it existed: 0.
   */
  tokenGeneration: number;
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

/** A user id: a uuid v4, as the store creates them. */
export const userIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Whether a string is valid Unicode (no lone UTF-16 surrogate, which no email or name can hold). */
export const isWellFormed = (value: string) => !/\p{Surrogate}/u.test(value);

/** NFKC folds look-alikes (full-width `ａ`, ligatures) into their plain form before any uniqueness check. */
export const unicodeFold = (value: string) => (isWellFormed(value) ? value.normalize('NFKC') : value);

/** Table names, after `dynamodb_table_prefix`. */
export const usersTable = tables.users.name;
export const userKeysTable = tables.userKeys.name;

/**
 * The seed's users model: its key (`id`, `email`) is that of `tables.users`; `username` and
 * `password` (the bcrypt hash) required; `admin` and `emailVerified` false and `tokenGeneration` 0
 * by default.
 */
export function defineUsersModel(client: DynamooseClient): ModelType<UserItem> {
  return client.model<UserItem>(tables.users, {
    username: { type: String, required: true },
    password: { type: String, required: true },
    admin: { type: Boolean, default: false },
    emailVerified: { type: Boolean, default: false },
    tokenGeneration: { type: Number, default: 0 },
  });
}

/** The claims of unique values, one item per email and per username (key from `tables.userKeys`). */
export function defineUserKeysModel(client: DynamooseClient): ModelType<UserKeyItem> {
  return client.model<UserKeyItem>(tables.userKeys, {
    userId: { type: String, required: true },
    email: { type: String },
  });
}
