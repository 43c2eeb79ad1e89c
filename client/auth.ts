import { callEach } from './listeners';
import type { PublicUser } from './types';

/**
 * What changed about the signed-in user:
 * - `signedIn`: a login;
 * - `signedOut`: a logout (this device or everywhere), the ending of this device's own session,
 *   or the deletion of the account from this client;
 * - `tokenRefreshed`: a new token pair (the SDK's automatic refresh, `sessions.refresh()`, a
 *   password change);
 * - `userUpdated`: the user changed (`users.update`, an email verified, an admin change pushed by
 *   the server over the real-time connection, a fresh `sessions.current()`);
 * - `sessionEnded`: the server ended the session — logged out elsewhere, a password changed
 *   elsewhere, the account deleted, or a refresh refused — and the stored tokens are forgotten.
 */
export type AuthEvent = 'signedIn' | 'signedOut' | 'tokenRefreshed' | 'userUpdated' | 'sessionEnded';

/** Called with the user after the change (null once signed out) and what happened. */
export type AuthStateListener = (user: PublicUser | null, event: AuthEvent) => void;

/**
 * The signed-in user as this client last learnt it, and who listens to its changes.
 * @internal use `client.onAuthStateChange`
 */
export class AuthState {
  private current: PublicUser | null = null;
  private readonly listeners = new Set<AuthStateListener>();
  /** Tokens whose session this client is ending or replacing itself (a logout, a password change in flight). */
  private readonly endingHere = new Map<string, Promise<unknown>>();

  /** The user of the last login, refresh or update; null before one and after signing out. */
  get user(): PublicUser | null {
    return this.current;
  }

  /**
   * Records the change and tells every listener; a listener that throws does not stop the others.
   * @param user the user now (null: nobody is signed in)
   */
  emit(user: PublicUser | null, event: AuthEvent): void {
    this.current = user;
    callEach(this.listeners, user, event);
  }

  /** `userUpdated` when `user` differs from what this client knew of it. */
  update(user: PublicUser): void {
    if (JSON.stringify(user) !== JSON.stringify(this.current)) this.emit(user, 'userUpdated');
  }

  /**
   * Runs `work`, which ends or replaces the session of `token` (a logout, a password change):
   * meanwhile the server's word that this session ended is this client's own doing, not news.
   */
  async endingSession<T>(token: string | null, work: () => Promise<T>): Promise<T> {
    if (token === null) return work();
    const running = work();
    this.endingHere.set(token, running);
    try {
      return await running;
    } finally {
      if (this.endingHere.get(token) === running) this.endingHere.delete(token);
    }
  }

  /** While this client ends or replaces the session of `token` itself: when that is done (never rejects). */
  endingHereSettled(token: string): Promise<void> | undefined {
    const running = this.endingHere.get(token);
    return running?.then(
      () => undefined,
      () => undefined,
    );
  }

  /** Calls `listener` on every change. Returns the unsubscribe. */
  subscribe(listener: AuthStateListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
