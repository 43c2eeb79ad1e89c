import type { RateLimitedAnswer } from '../../client/types';
import type { RandomJobsSocket } from './randomjobs.rooms';

/** What a socket's limiter says about one event. */
export type SocketEventVerdict = 'allowed' | 'limited' | 'disconnect';

export interface SocketRateLimitOptions {
  /** Events allowed in any one-second span (`socket_rate_limit`). */
  perSecond: number;
  /** A socket refused again and again for this long is disconnected. */
  floodMs?: number;
  /** The clock (tests pass a fake one). */
  now?: () => number;
}

const windowMs = 1000;
/** Refusals further apart than this end a flood. */
const calmGapMs = 1000;

/**
 * Counts one socket's requests: at most `perSecond` in any sliding second, so N seconds of any
 * traffic cause at most N × `perSecond` upstream calls. A socket that keeps going past the limit
 * for `floodMs` (no calm second in between) is told to go.
 */
export class SocketRateLimit {
  private readonly accepted: number[] = [];
  private floodingSince: number | undefined;
  private lastRefusal = Number.NEGATIVE_INFINITY;
  private readonly floodMs: number;
  private readonly now: () => number;

  constructor(private readonly options: SocketRateLimitOptions) {
    this.floodMs = options.floodMs ?? 10_000;
    this.now = options.now ?? (() => Date.now());
  }

  /** Counts an event and says whether to handle it, refuse it, or disconnect the socket. */
  take(): SocketEventVerdict {
    const now = this.now();
    while (this.accepted.length > 0 && now - this.accepted[0]! >= windowMs) this.accepted.shift();
    if (this.accepted.length < this.options.perSecond) {
      this.accepted.push(now);
      if (now - this.lastRefusal > calmGapMs) this.floodingSince = undefined;
      return 'allowed';
    }
    if (this.floodingSince === undefined || now - this.lastRefusal > calmGapMs) this.floodingSince = now;
    this.lastRefusal = now;
    return now - this.floodingSince >= this.floodMs ? 'disconnect' : 'limited';
  }
}

/**
 * Puts the limiter in front of every event the socket sends, known or not (socket.io's `socket.use`):
 * a refused event reaches no handler and is only acknowledged with `{ error: "rate limited" }`
 * (nothing is asked upstream), and a flooding socket is disconnected.
 */
export function limitSocketEvents(socket: RandomJobsSocket, limit: SocketRateLimit): void {
  socket.use((event, next) => {
    const verdict = limit.take();
    if (verdict === 'allowed') return next();
    const ack: unknown = event.at(-1);
    if (typeof ack === 'function') (ack as (answer: RateLimitedAnswer) => void)({ error: 'rate limited' });
    if (verdict === 'disconnect') socket.disconnect(true);
  });
}
