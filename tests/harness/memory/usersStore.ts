import { notFound } from '../../../libraries/errors';
import { type StoredUser, userIdPattern } from '../../../models/users';
import { taken, uniqueFields, uniqueKey } from '../../../services/users/users.claims';
import { conflict } from '../../../services/users/users.conflicts';
import type {
  NewStoredUser,
  StoredUserChanges,
  UserCursor,
  UserPageResult,
  UsersStore,
} from '../../../services/users/users.store';
import { newStoredUser } from '../../../services/users/users.store';
import { type Journal, roundTrip } from './roundTrip';

const copy = (user: StoredUser | undefined) => (user ? { ...user } : undefined);
const sameUser = (a: StoredUser, b: StoredUser) =>
  a.email === b.email &&
  a.username === b.username &&
  a.admin === b.admin &&
  a.password === b.password &&
  a.tokenGeneration === b.tokenGeneration;

/**
 * The users in a map, with the claims of unique values in another (`uniqueKey`, as in DynamoDB):
 * the `UsersStore` of the unit tests, as Feathers tests services against `memory()`. Each call is
 * atomic, and calls in flight interleave between their round trips.
 */
export class MemoryUsersStore implements UsersStore {
  private readonly users = new Map<string, StoredUser>();
  /** Claim key → the id of the user holding it. */
  private readonly claims = new Map<string, string>();

  constructor(private readonly journal: Journal = []) {}

  async getById(id: string): Promise<StoredUser | undefined> {
    await roundTrip();
    return userIdPattern.test(id) ? copy(this.users.get(id)) : undefined;
  }

  async getByEmail(email: string): Promise<StoredUser | undefined> {
    await roundTrip();
    const id = this.claims.get(uniqueKey('email', email));
    return id === undefined ? undefined : copy(this.users.get(id));
  }

  async list(limit: number, cursor?: UserCursor): Promise<UserPageResult> {
    await roundTrip();
    const after = [...this.users.values()]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .filter((user) => cursor === undefined || user.id > cursor.id);
    const users = after.slice(0, limit).map((user) => ({ ...user }));
    const last = users.at(-1);
    return { users, next: after.length > limit && last ? { id: last.id, email: last.email } : null };
  }

  async create(user: NewStoredUser): Promise<StoredUser> {
    await roundTrip();
    const stored = newStoredUser(user);
    for (const field of uniqueFields) if (this.claims.has(uniqueKey(field, stored[field]))) throw taken(field);
    this.put(stored);
    this.journal.push(`store.create ${stored.id}`);
    return { ...stored };
  }

  async update(id: string, changes: StoredUserChanges): Promise<StoredUser> {
    await roundTrip();
    const current = this.users.get(id);
    if (!current) throw notFound('No user with this id.');
    const email = changes.email ?? current.email;
    const next = {
      ...current,
      email,
      username: changes.username ?? current.username,
      emailVerified: current.emailVerified && uniqueKey('email', email) === uniqueKey('email', current.email),
    };
    if (next.email === current.email && next.username === current.username) return { ...current };
    for (const field of uniqueFields) {
      const key = uniqueKey(field, next[field]);
      if (key !== uniqueKey(field, current[field]) && this.claims.has(key)) throw taken(field);
    }
    this.remove(current);
    this.put(next);
    this.journal.push(`store.update ${id}`);
    return { ...next };
  }

  async setAdmin(email: string, admin: boolean): Promise<StoredUser | undefined> {
    await roundTrip();
    const id = this.claims.get(uniqueKey('email', email));
    const user = id === undefined ? undefined : this.users.get(id);
    if (!user) return undefined;
    if (user.admin !== admin) {
      user.admin = admin;
      this.journal.push(`store.setAdmin ${user.id} ${admin}`);
    }
    return { ...user };
  }

  async setPassword(user: StoredUser, passwordHash: string): Promise<number> {
    await roundTrip();
    const stored = this.users.get(user.id);
    if (!stored || !sameUser(stored, user)) throw conflict();
    stored.password = passwordHash;
    stored.tokenGeneration += 1;
    this.journal.push(`store.setPassword ${user.id} generation ${stored.tokenGeneration}`);
    return stored.tokenGeneration;
  }

  async moveTokenGeneration(id: string): Promise<number | undefined> {
    await roundTrip();
    const stored = this.users.get(id);
    if (!stored) return undefined;
    stored.tokenGeneration += 1;
    this.journal.push(`store.moveTokenGeneration ${id} generation ${stored.tokenGeneration}`);
    return stored.tokenGeneration;
  }

  async setEmailVerified(user: StoredUser): Promise<StoredUser | undefined> {
    await roundTrip();
    const stored = this.users.get(user.id);
    if (!stored || stored.email !== user.email) return undefined;
    stored.emailVerified = true;
    this.journal.push(`store.setEmailVerified ${user.id}`);
    return { ...stored };
  }

  async delete(id: string): Promise<boolean> {
    await roundTrip();
    const user = this.users.get(id);
    if (!user) return false;
    this.remove(user);
    this.journal.push(`store.delete ${id}`);
    return true;
  }

  private put(user: StoredUser): void {
    this.users.set(user.id, { ...user });
    for (const field of uniqueFields) this.claims.set(uniqueKey(field, user[field]), user.id);
  }

  private remove(user: StoredUser): void {
    this.users.delete(user.id);
    for (const field of uniqueFields) this.claims.delete(uniqueKey(field, user[field]));
  }
}
