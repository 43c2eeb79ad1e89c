import { fitsBcrypt, hashPassword, verifyPassword } from '../../libraries/passwords';
import type { StoredUser } from '../../models/users';
import type { StoredUserChanges, UserCursor, UserPageResult, UsersStore } from './users.store';

export interface UsersServiceOptions {
  /** bcrypt cost of new hashes and of the dummy hash (`bcrypt_rounds`). */
  bcryptRounds: number;
}

/** What a new account is made of (the password in clear; only its hash is stored). */
export interface Registration {
  email: string;
  username: string;
  password: string;
}

/**
 * The account operations — register, check credentials, read, list, change, grant or revoke admin —
 * shared by the routes, the socket handlers and the CLI. Passwords are hashed and verified here
 * and nowhere else.
 */
export class UsersService {
  constructor(
    private readonly store: UsersStore,
    private readonly options: UsersServiceOptions,
  ) {}

  /**
   * Creates an account, storing a bcrypt hash of the password.
   * @throws HttpError 422 when the email or the username is taken (ignoring case)
   */
  async register(registration: Registration): Promise<StoredUser> {
    const passwordHash = await hashPassword(registration.password, this.options.bcryptRounds);
    return this.store.create({ email: registration.email, username: registration.username, passwordHash });
  }

  /**
   * The user whose email and password these are, or undefined — for an unknown email, a wrong
   * password or one over bcrypt's 72 bytes alike, and in about the same time (an unknown email is
   * still compared against a dummy hash).
   */
  async verifyCredentials(email: string, password: string): Promise<StoredUser | undefined> {
    const user = await this.store.getByEmail(email);
    // bcrypt ignores bytes past 72; no stored password is longer, so a longer one cannot be right.
    const matches = await verifyPassword(password, fitsBcrypt(password) ? user?.password : undefined, this.options.bcryptRounds);
    return user && matches ? user : undefined;
  }

  /** The user with this id, or undefined. */
  getById(id: string): Promise<StoredUser | undefined> {
    return this.store.getById(id);
  }

  /** The user with this email, ignoring case, or undefined. */
  getByEmail(email: string): Promise<StoredUser | undefined> {
    return this.store.getByEmail(email);
  }

  /** Whether the user exists and is an admin now; undefined when there is no such user. */
  async isAdmin(id: string): Promise<boolean | undefined> {
    return (await this.store.getById(id))?.admin;
  }

  /**
   * A page of users.
   * @param limit page size, 1..100
   * @param cursor where the page starts (the `next` of the previous page)
   */
  list(limit: number, cursor?: UserCursor): Promise<UserPageResult> {
    return this.store.list(limit, cursor);
  }

  /**
   * Changes a user's email and/or username.
   * @throws HttpError 404 for an unknown id; 422 when a new value is taken; 409 when concurrent changes kept colliding
   */
  update(id: string, changes: StoredUserChanges): Promise<StoredUser> {
    return this.store.update(id, changes);
  }

  /**
   * Grants or revokes admin.
   * @returns the updated user, or undefined when no user has this email
   */
  setAdmin(email: string, admin: boolean): Promise<StoredUser | undefined> {
    return this.store.setAdmin(email, admin);
  }
}
