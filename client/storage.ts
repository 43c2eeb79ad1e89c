/** Where the SDK keeps the session token. Implement it to keep the token anywhere else. */
export interface TokenStorage {
  get(): string | null;
  set(token: string): void;
  clear(): void;
}

/** Keeps the token in memory: the default, right for Node scripts and tests. */
export class MemoryStorage implements TokenStorage {
  private token: string | null = null;

  /** @returns the stored token, or null */
  get(): string | null {
    return this.token;
  }

  /** @param token the token to keep */
  set(token: string): void {
    this.token = token;
  }

  /** Forgets the token. */
  clear(): void {
    this.token = null;
  }
}

/** Minimal part of the Web Storage API the adapter needs (`window.localStorage` fits). */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Keeps the token in `localStorage` (or any Web Storage), so a browser session survives reloads. */
export class LocalStorageAdapter implements TokenStorage {
  /**
   * @param key the storage key
   * @param storage the Web Storage to use; `globalThis.localStorage` by default
   */
  constructor(
    private readonly key = 'node-jobs.token',
    private readonly storage: WebStorageLike = (globalThis as unknown as { localStorage: WebStorageLike }).localStorage,
  ) {
    if (!storage) throw new Error('LocalStorageAdapter needs a Web Storage (no localStorage in this environment).');
  }

  /** @returns the stored token, or null */
  get(): string | null {
    return this.storage.getItem(this.key);
  }

  /** @param token the token to keep */
  set(token: string): void {
    this.storage.setItem(this.key, token);
  }

  /** Forgets the token. */
  clear(): void {
    this.storage.removeItem(this.key);
  }
}

/** A `TokenStorage` that tells listeners when the token is set or cleared. */
export interface ObservableStorage extends TokenStorage {
  /** Calls `listener` after every `set` or `clear`. Returns the unsubscribe. */
  onChange(listener: (token: string | null) => void): () => void;
}

/** Wraps a storage so that changes made through the wrapper are observable. */
export function observeStorage(storage: TokenStorage): ObservableStorage {
  const listeners = new Set<(token: string | null) => void>();
  const notify = (token: string | null) => listeners.forEach((listener) => listener(token));
  return {
    get: () => storage.get(),
    set(token) {
      storage.set(token);
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
