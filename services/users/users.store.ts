import { randomUUID } from 'node:crypto';
import type { StoredUser } from '../../models/users';

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

/** The record of a user just registered: a fresh id, not an admin, email not verified, first token generation. */
export function newStoredUser(user: NewStoredUser): StoredUser {
  return {
    id: randomUUID(),
    email: user.email,
    username: user.username,
    password: user.passwordHash,
    admin: false,
    emailVerified: false,
    tokenGeneration: 0,
  };
}

export interface StoredUserChanges {
  email?: string;
  username?: string;
}

/**
 * What the account operations need of the users' storage: DynamoDB in the server
 * (`DynamoUsersStore`), a map in the unit tests. Emails and usernames are unique ignoring case and
 * look-alikes (`uniqueKey`), also when two writers race: of two, one fails.
 */
export interface UsersStore {
  /** The user with this id, or undefined. */
  getById(id: string): Promise<StoredUser | undefined>;

  /** The user with this email, ignoring case, or undefined. */
  getByEmail(email: string): Promise<StoredUser | undefined>;

  /**
   * A page of users in table order.
   * @param limit page size, 1..100
   * @param cursor where the page starts (the `next` of the previous page)
   */
  list(limit: number, cursor?: UserCursor): Promise<UserPageResult>;

  /**
   * Creates a user with a new uuid, claiming its email and username.
   * @throws HttpError 422 when the email or the username is taken (ignoring case)
   */
  create(user: NewStoredUser): Promise<StoredUser>;

  /**
   * Changes a user's email and/or username; a failure leaves the user as it was. A new email
   * (ignoring case) is not verified.
   * @throws HttpError 404 for an unknown id; 422 when a new value is taken; 409 when concurrent changes kept colliding
   */
  update(id: string, changes: StoredUserChanges): Promise<StoredUser>;

  /**
   * Sets or clears a user's admin flag.
   * @returns the updated user, or undefined when no user has this email
   */
  setAdmin(email: string, admin: boolean): Promise<StoredUser | undefined>;

  /**
   * Replaces the password hash of `user` as it was read and moves its token generation on, in one
   * conditional write; fails when the user changed meanwhile.
   * @returns the new token generation
   * @throws HttpError 409 when the user changed since it was read (another password change won)
   */
  setPassword(user: StoredUser, passwordHash: string): Promise<number>;

  /**
   * Moves a user's token generation on (+1), atomically: every token issued before is refused.
   * @returns the new generation, or undefined when there is no such user
   */
  moveTokenGeneration(id: string): Promise<number | undefined>;

  /**
   * Marks the email of `user` verified, when the user still has that email.
   * @returns the updated user, or undefined when the user is gone or its email changed meanwhile
   */
  setEmailVerified(user: StoredUser): Promise<StoredUser | undefined>;

  /**
   * Deletes a user and frees its email and username, at once.
   * @returns false when there was no such user (anymore)
   */
  delete(id: string): Promise<boolean>;
}
