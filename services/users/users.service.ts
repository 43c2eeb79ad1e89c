import type { AccountEvents } from '../../libraries/accountEvents';
import { forbidden, notFound, serviceUnavailable } from '../../libraries/errors';
import { fitsBcrypt, hashPassword, verifyPassword } from '../../libraries/passwords';
import type { ProfileImages } from '../../libraries/s3client';
import type { Sessions } from '../../libraries/sessions';
import type { StoredUser } from '../../models/users';
import { uniqueKey } from './users.claims';
import type { StoredUserChanges, UserCursor, UserPageResult, UsersStore } from './users.store';

export interface UsersServiceOptions {
  /** bcrypt cost of new hashes and of the dummy hash (`bcrypt_rounds`). */
  bcryptRounds: number;
}

/**
 * What the account operations act on beyond the store, each through the little it needs (the unit
 * tests hand in fakes): sessions to end, events to every process, profile images.
 */
export interface UsersServiceDependencies {
  sessions: Pick<Sessions, 'endAll' | 'endDeleted'>;
  events: Pick<AccountEvents, 'publish'>;
  profileImages: Pick<ProfileImages, 'deleteProfileImage'>;
  /** Told of every new email (registration, change) to mail it a verification link; none in the CLI. */
  emailVerification?: EmailVerificationRequests;
}

/** Mails a verification link to a user's new email; never fails the account change (a failure is logged). */
export interface EmailVerificationRequests {
  emailAdded(user: StoredUser): Promise<void>;
}

/** A password change: the current password proves it is the user, the new one follows the registration rules. */
export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
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
    private readonly dependencies: UsersServiceDependencies,
  ) {}

  /**
   * Creates an account, storing a bcrypt hash of the password, and mails a link to verify its email.
   * @throws HttpError 422 when the email or the username is taken (ignoring case)
   */
  async register(registration: Registration): Promise<StoredUser> {
    const passwordHash = await hashPassword(registration.password, this.options.bcryptRounds);
    const user = await this.store.create({ email: registration.email, username: registration.username, passwordHash });
    await this.dependencies.emailVerification?.emailAdded(user);
    return user;
  }

  /**
   * The user whose email and password these are, or undefined — for an unknown email, a wrong
   * password or one over bcrypt's 72 bytes alike, and in about the same time (an unknown email is
   * still compared against a dummy hash).
   */
  async verifyCredentials(email: string, password: string): Promise<StoredUser | undefined> {
    const user = await this.store.getByEmail(email);
    // bcrypt ignores bytes past 72; no stored password is longer, so a longer one cannot be right.
    const matches = await verifyPassword(
      password,
      fitsBcrypt(password) ? user?.password : undefined,
      this.options.bcryptRounds,
    );
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
   * Changes a user's email and/or username. A new email (ignoring case) is not verified: a link
   * to verify it is mailed to it.
   * @throws HttpError 404 for an unknown id; 422 when a new value is taken; 409 when concurrent changes kept colliding
   */
  async update(id: string, changes: StoredUserChanges): Promise<StoredUser> {
    const before = changes.email === undefined ? undefined : await this.store.getById(id);
    const user = await this.store.update(id, changes);
    if (before && uniqueKey('email', before.email) !== uniqueKey('email', user.email))
      await this.dependencies.emailVerification?.emailAdded(user);
    return user;
  }

  /**
   * Grants or revokes admin, and tells every process, so the user's open sockets join or leave
   * the admins' room at once.
   * @returns the updated user, or undefined when no user has this email
   */
  async setAdmin(email: string, admin: boolean): Promise<StoredUser | undefined> {
    const user = await this.store.setAdmin(email, admin);
    if (user)
      await this.announce(() => this.dependencies.events.publish({ type: 'adminChanged', userId: user.id, admin }));
    return user;
  }

  /**
   * Changes a user's password after checking the current one, against `user` as the caller's token
   * was checked against it: the new hash and the next token generation are stored in one write,
   * conditional on the user being unchanged since, so of two concurrent changes one wins and the
   * other is a 409. Every session of the user ends; the caller starts a fresh one with the user returned.
   * @throws HttpError 403 when `currentPassword` is wrong; 409 when the user changed meanwhile; 503 when the session store is down
   */
  async changePassword(user: StoredUser, change: PasswordChange): Promise<StoredUser> {
    const matches =
      fitsBcrypt(change.currentPassword) &&
      (await verifyPassword(change.currentPassword, user.password, this.options.bcryptRounds));
    if (!matches) throw forbidden('currentPassword: is wrong.', 'invalid_credentials');
    return this.storePassword(user, change.newPassword);
  }

  /** Stores a new password for `user` as read, moving its token generation on, then ends its sessions. */
  private async storePassword(user: StoredUser, newPassword: string): Promise<StoredUser> {
    const passwordHash = await hashPassword(newPassword, this.options.bcryptRounds);
    // The generation moves with the hash: every earlier token is refused from this write on, even
    // if ending the sessions below fails (503) — only their sockets would wait for a retry.
    const tokenGeneration = await this.store.setPassword(user, passwordHash);
    await this.dependencies.sessions.endAll(user.id, tokenGeneration);
    return { ...user, password: passwordHash, tokenGeneration };
  }

  /**
   * Deletes an account: its profile image, the user with its email and username claims (one
   * transaction), then refuses all its tokens and disconnects its sockets on every process.
   * @throws HttpError 404 for an unknown id; 503 when the session store is down
   */
  async remove(id: string): Promise<void> {
    if (!(await this.store.getById(id))) throw notFound('No user with this id.');
    try {
      await this.dependencies.profileImages.deleteProfileImage(id);
    } catch (error) {
      throw Object.assign(serviceUnavailable('The image storage is unavailable; try again.'), { cause: error });
    }
    if (!(await this.store.delete(id))) throw notFound('No user with this id.');
    await this.dependencies.sessions.endDeleted(id);
  }

  /**
   * Ends every session of a user (log out everywhere, `user-logout`; also what a password reset
   * needs): the user's token generation moves on, so every token issued until now is refused
   * wherever it is checked, then every session record is deleted and every process told.
   * @throws HttpError 404 for an unknown id; 503 when the session store is down
   */
  async revokeAllTokens(id: string): Promise<void> {
    const tokenGeneration = await this.store.moveTokenGeneration(id);
    if (tokenGeneration === undefined) throw notFound('No user with this id.');
    await this.dependencies.sessions.endAll(id, tokenGeneration);
  }

  /**
   * Sets a new password without the current one (a password reset: a mailed link proved it is the
   * user): the new hash and the next token generation are stored in one write, conditioned on `user`
   * as read (a change since fails), and every session of the user ends.
   * @throws HttpError 409 when the user changed meanwhile; 503 when the session store is down
   */
  resetPassword(user: StoredUser, newPassword: string): Promise<StoredUser> {
    return this.storePassword(user, newPassword);
  }

  /**
   * Marks the email of `user` verified, when the user still has it.
   * @returns the user as now stored, or undefined when it is gone or its email changed meanwhile
   */
  markEmailVerified(user: StoredUser): Promise<StoredUser | undefined> {
    return this.store.setEmailVerified(user);
  }

  /** Publishes an event; a failure is a 503 (the change itself is stored). */
  private async announce(publish: () => Promise<void>): Promise<void> {
    try {
      await publish();
    } catch (error) {
      throw Object.assign(
        serviceUnavailable('The change is saved, but the other servers could not be told; try again.'),
        { cause: error },
      );
    }
  }
}
