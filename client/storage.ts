import { callEach } from './listeners';
/**
 * Where the SDK keeps the session: the access token it sends on every request and the refresh
 * token that `sessions.refresh()` trades for a new pair. Implement it to keep them anywhere else.
 * Both change together: `set` replaces the pair, `clear` forgets it.
 */
export interface TokenStorage {
  /** The access token, or null. */
  get(): string | null;
  /** The refresh token of the same session, or null. */
  getRefreshToken(): string | null;
  /**
   * Keeps a new pair. A token set alone (no refresh token) replaces the refresh token with none:
   * the one kept before belongs to another session.
   */
  set(token: string, refreshToken?: string | null): void;
  /** Forgets both tokens. */
  clear(): void;
}

/** Keeps the tokens in memory: the default, right for Node scripts and tests. */
export class MemoryStorage implements TokenStorage {
  private token: string | null = null;
  private refreshToken: string | null = null;

  /** @returns the stored access token, or null */
  get(): string | null {
    return this.token;
  }

  /** @returns the stored refresh token, or null */
  getRefreshToken(): string | null {
    return this.refreshToken;
  }

  /**
   * @param token the access token to keep
   * @param refreshToken its refresh token; none by default
   */
  set(token: string, refreshToken: string | null = null): void {
    this.token = token;
    this.refreshToken = refreshToken;
  }

  /** Forgets both tokens. */
  clear(): void {
    this.token = null;
    this.refreshToken = null;
  }
}

/** Minimal part of the Web Storage API the adapter needs (`window.localStorage` fits). */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * Keeps the tokens in `localStorage` (or any Web Storage), so a browser session survives reloads:
 * the access token under `key`, the refresh token under `<key>.refresh`.
 */
export class LocalStorageAdapter implements TokenStorage {
  private readonly refreshKey: string;

  /**
   * @param key the storage key of the access token
   * @param storage the Web Storage to use; `globalThis.localStorage` by default
   */
  constructor(
    private readonly key = 'node-jobs.token',
    private readonly storage: WebStorageLike = (globalThis as unknown as { localStorage: WebStorageLike }).localStorage,
  ) {
    if (!storage) throw new Error('LocalStorageAdapter needs a Web Storage (no localStorage in this environment).');
    this.refreshKey = `${key}.refresh`;
  }

  /** @returns the stored access token, or null */
  get(): string | null {
    return this.storage.getItem(this.key);
  }

  /** @returns the stored refresh token, or null */
  getRefreshToken(): string | null {
    return this.storage.getItem(this.refreshKey);
  }

  /**
   * @param token the access token to keep
   * @param refreshToken its refresh token; none by default
   */
  set(token: string, refreshToken: string | null = null): void {
    this.storage.setItem(this.key, token);
    if (refreshToken === null) this.storage.removeItem(this.refreshKey);
    else this.storage.setItem(this.refreshKey, refreshToken);
  }

  /** Forgets both tokens. */
  clear(): void {
    this.storage.removeItem(this.key);
    this.storage.removeItem(this.refreshKey);
  }
}

/** A `TokenStorage` that tells listeners when the tokens are set or cleared. */
export interface ObservableStorage extends TokenStorage {
  /** Calls `listener` with the access token after every `set` or `clear` (null when cleared). Returns the unsubscribe. */
  onChange(listener: (token: string | null) => void): () => void;
}

/** Wraps a storage so that changes made through the wrapper are observable. */
export function observeStorage(storage: TokenStorage): ObservableStorage {
  const listeners = new Set<(token: string | null) => void>();
  const notify = (token: string | null) => callEach(listeners, token);
  return {
    get: () => storage.get(),
    getRefreshToken: () => storage.getRefreshToken(),
    set(token, refreshToken = null) {
      storage.set(token, refreshToken);
      notify(token);
    },
    clear() {
      storage.clear();
      notify(null);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
