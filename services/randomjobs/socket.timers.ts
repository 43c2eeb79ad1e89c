import type { TokenClaims } from '../../libraries/jwtManager';
import { endSession } from './account.changes';
import type { RandomJobsSocket } from './randomjobs.rooms';

/** setTimeout's longest delay; a longer token lifetime is re-armed when it fires. */
const maxTimerMs = 2 ** 31 - 1;

/** The timers of one socket, cleared together when it disconnects; each is also kept in the component's set so `close` reaches it. */
export class SocketTimers {
  readonly #own = new Set<NodeJS.Timeout>();
  readonly #all: Set<NodeJS.Timeout>;

  constructor(all: Set<NodeJS.Timeout>) {
    this.#all = all;
  }

  #keep(timer: NodeJS.Timeout): void {
    this.#own.add(timer);
    this.#all.add(timer);
  }

  #forget(timer: NodeJS.Timeout): void {
    this.#all.delete(timer);
    this.#own.delete(timer);
  }

  /** Runs `tick` every `intervalMs` until the socket disconnects. */
  every(intervalMs: number, tick: () => void): void {
    this.#keep(setInterval(tick, intervalMs));
  }

  /** Runs `fire` once after `delayMs`, unless the socket disconnects first. */
  after(delayMs: number, fire: () => void): void {
    const timer = setTimeout(() => {
      this.#forget(timer);
      fire();
    }, delayMs);
    this.#keep(timer);
  }

  /** Stops every timer of the socket. */
  clear(): void {
    for (const timer of this.#own) {
      clearTimeout(timer);
      this.#all.delete(timer);
    }
    this.#own.clear();
  }
}

/** Ends the socket's authentication when its token expires. */
export function armTokenExpiry(socket: RandomJobsSocket, claims: TokenClaims, timers: SocketTimers): void {
  const remaining = claims.exp * 1000 - Date.now();
  timers.after(Math.min(Math.max(remaining, 0), maxTimerMs), () => {
    if (remaining > maxTimerMs) armTokenExpiry(socket, claims, timers);
    else endSession(socket, 'expired');
  });
}
