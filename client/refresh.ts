import type { AxiosInstance } from 'axios';
import { ApiError } from './errors';
import type { AuthState } from './auth';
import type { ObservableStorage } from './storage';
import { readTokenPayload } from './token';
import type { RefreshRequest, SessionResponse } from './types';

/** How long before its expiry an access token is renewed, at most (a quarter of its life when shorter). */
const renewBeforeMs = 60_000;
/** The longest wait setTimeout takes (about 24.8 days); a longer one would fire at once. */
const maxTimerMs = 2 ** 31 - 1;
/** After a refresh that got no answer (the server away), the next try waits this long. */
const retryAfterFailureMs = 5_000;

/** The Web Locks API, where there is one (browsers; Node 24 has `navigator.locks` too). */
interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

const lockManager = (): LockManagerLike | undefined =>
  (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;

/**
 * Keeps the session's access token fresh: one refresh at a time (every caller of a refresh in
 * progress waits for it), a timer before the token expires, and a renewal on demand (a request
 * about to send a token that has expired, a 403 `token_expired`, a socket whose token expired).
 * Tabs sharing a `localStorage` refresh one at a time (Web Locks) and reuse a pair another tab has
 * just stored, since presenting a spent refresh token ends the session.
 * @internal
 */
export class SessionRefresher {
  private inFlight: Promise<SessionResponse> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  /**
   * @param http an axios instance that does not refresh by itself (`POST /sessions/refresh` needs no access token)
   * @param automatic whether to renew before expiry on a timer and on demand (`autoRefresh`)
   */
  constructor(
    private readonly http: AxiosInstance,
    private readonly storage: ObservableStorage,
    private readonly auth: AuthState,
    readonly automatic: boolean,
  ) {
    if (!automatic) return;
    storage.onChange(() => this.schedule());
    this.schedule();
  }

  /**
   * Trades the stored refresh token for a new pair and stores it; callers during a refresh share it.
   * A refusal (401: the session ended, or the refresh token was already spent) forgets the stored
   * pair and reports `sessionEnded`.
   * @throws ApiError 401 `refresh_token_invalid` (also without a stored refresh token) or `refresh_token_reused`; 0/503 when the server is away
   */
  refresh(): Promise<SessionResponse> {
    this.inFlight ??= this.refreshOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /**
   * The access token to send now: renewed first when it expires within a few seconds and a
   * refresh token is stored; the stored one (or null) when renewal is off or fails.
   */
  async tokenToSend(): Promise<string | null> {
    const token = this.storage.get();
    if (!this.automatic || token === null || this.storage.getRefreshToken() === null) return token;
    if (!expiresWithin(token, lastMomentMs(token))) return token;
    try {
      return (await this.refresh()).token;
    } catch {
      // The request goes with what is stored: the server's answer says what is wrong.
      return this.storage.get();
    }
  }

  /**
   * After the server said `token` expired: a fresh token when one can be had (renewed now, or
   * stored meanwhile by another refresh), otherwise null.
   */
  async renewAfterExpiry(token: string | null): Promise<string | null> {
    if (!this.automatic) return null;
    const stored = this.storage.get();
    if (stored !== null && stored !== token) return stored;
    if (this.storage.getRefreshToken() === null) return null;
    try {
      return (await this.refresh()).token;
    } catch {
      return null;
    }
  }

  /** Stops the timer for good (`client.close()`). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async refreshOnce(): Promise<SessionResponse> {
    const locks = lockManager();
    const spent = this.storage.getRefreshToken();
    return locks ? locks.request('node-jobs.refresh', () => this.exchange(spent)) : this.exchange(spent);
  }

  /** One `POST /sessions/refresh`, unless another tab stored a new pair since `spent` was read. */
  private async exchange(spent: string | null): Promise<SessionResponse> {
    const refreshToken = this.storage.getRefreshToken();
    if (refreshToken === null)
      throw new ApiError(401, 'No refresh token is stored: log in.', undefined, 'refresh_token_invalid');
    const token = this.storage.get();
    if (refreshToken !== spent && token !== null && this.auth.user && !expiresWithin(token, lastMomentMs(token)))
      return { data: this.auth.user, token, refreshToken, expiresIn: secondsLeft(token) };
    let session: SessionResponse;
    try {
      const body: RefreshRequest = { refreshToken };
      session = (await this.http.post<SessionResponse>('/sessions/refresh', body)).data;
    } catch (error) {
      // Only if nothing replaced the pair meanwhile (a login, another refresh).
      if (error instanceof ApiError && error.status === 401 && this.storage.getRefreshToken() === refreshToken) {
        this.storage.clear();
        this.auth.emit(null, 'sessionEnded');
      }
      throw error;
    }
    this.storage.set(session.token, session.refreshToken);
    this.auth.emit(session.data, 'tokenRefreshed');
    return session;
  }

  /** Sets the timer that renews the stored token before it expires (none without a refresh token). */
  private schedule(delayMs?: number): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const token = this.storage.get();
    if (this.stopped || token === null || this.storage.getRefreshToken() === null) return;
    const { exp } = readTokenPayload(token);
    if (exp === undefined) return;
    const wait = delayMs ?? Math.max(0, exp * 1000 - renewalWindowMs(token) - Date.now());
    this.timer = setTimeout(
      () => {
        // A wait beyond what setTimeout can hold was cut short: wait on.
        if (delayMs === undefined && !expiresWithin(token, renewalWindowMs(token))) return this.schedule();
        this.refresh().catch((error: unknown) => {
          // No answer (offline, the server restarting): try again while the token lasts; a refusal has ended the session.
          if (!(error instanceof ApiError) || error.status === 0 || error.status >= 500)
            this.schedule(retryAfterFailureMs);
        });
      },
      Math.min(wait, maxTimerMs),
    );
    // A Node script ends when its work is done: the timer alone does not keep it running.
    (this.timer as { unref?: () => void }).unref?.();
  }
}

/** A token's life in milliseconds (`exp` − `iat`), Infinity when it does not say. */
function lifeMs(token: string): number {
  const { exp, iat } = readTokenPayload(token);
  return exp === undefined || iat === undefined ? Infinity : (exp - iat) * 1000;
}

/** How long before its expiry the timer renews a token: a minute, or a quarter of a shorter life. */
const renewalWindowMs = (token: string) => Math.min(renewBeforeMs, lifeMs(token) / 4);

/**
 * How close to its expiry a token is renewed before it is sent: 5 s, or an eighth of a shorter
 * life, so that a token just renewed is never renewed again at once.
 */
const lastMomentMs = (token: string) => Math.min(5_000, lifeMs(token) / 8);

/** Whether the token expires within `ms` by this machine's clock (no `exp`: never). */
function expiresWithin(token: string, ms: number): boolean {
  const { exp } = readTokenPayload(token);
  return exp !== undefined && exp * 1000 - Date.now() <= ms;
}

function secondsLeft(token: string): number {
  const { exp } = readTokenPayload(token);
  return exp === undefined ? 0 : Math.max(0, Math.round(exp - Date.now() / 1000));
}
