import type { SessionEndReason } from '../../client/types';
import type { AccountEvent, AccountEvents } from '../../libraries/accountEvents';
import type { AppLogger } from '../../libraries/appLogger';
import { messageOf } from '../../libraries/errors';
import type { SessionsService, Verdict } from '../sessions/sessions.service';
import { adminsRoom, userRoom, type RandomJobsServer, type RandomJobsSocket } from './randomjobs.rooms';

/** How long events are remembered for sockets still in their handshake (longer than any handshake lasts). */
const ledgerMs = 60_000;
/** A re-check that fails (a service still away) is tried again after this long, this many times. */
const recheckRetryMs = 1000;
const recheckAttempts = 10;

export interface AccountChanges {
  /**
   * Applies to a socket that just connected the events (and re-checks) that came since its
   * handshake began checking: its checks may have read the state from before them, and until now
   * it was not among the connected sockets they reach. So no socket outlives a logout that lands
   * mid-handshake.
   */
  catchUp(socket: RandomJobsSocket): void;
  /** Stops following the events. */
  close(): void;
}

/** Tells the socket why its session ends, then disconnects it. */
export function endSession(socket: RandomJobsSocket, reason: SessionEndReason): void {
  socket.emit('sessionEnded', { reason });
  socket.disconnect(true);
}

/**
 * Moves the socket into or out of the room `admins` and tells it so (`adminChanged`), when its
 * membership changes: its client follows the user's admin status without a reload.
 */
function followAdminStatus(socket: RandomJobsSocket, admin: boolean): void {
  if (socket.rooms.has(adminsRoom) === admin) return;
  void (admin ? socket.join(adminsRoom) : socket.leave(adminsRoom));
  socket.emit('adminChanged', { admin });
}

/** What an account event does to one socket of this process. */
function applyTo(event: AccountEvent, socket: RandomJobsSocket): void {
  const claims = socket.data.claims;
  if (!claims || socket.data.userId !== event.userId || !socket.connected) return;
  switch (event.type) {
    case 'sessionsEnded':
      if (event.sids.includes(claims.sid)) endSession(socket, 'revoked');
      return;
    case 'userTokensRevoked':
      if (claims.gen < event.generation) endSession(socket, 'revoked');
      return;
    case 'userDeleted':
      endSession(socket, 'deleted');
      return;
    case 'adminChanged':
      // Local sockets only: every process hears the event and moves its own.
      followAdminStatus(socket, event.admin);
      return;
  }
}

/** What a re-check found about one socket: end it, or follow its user's admin status. */
function applyVerdict(
  verdict: Verdict,
  socket: RandomJobsSocket,
  adminChangedSince: (userId: string) => boolean,
): void {
  if (!socket.connected || !socket.data.userId) return;
  if (verdict.refusal) return endSession(socket, verdict.refusal === 'userGone' ? 'deleted' : 'revoked');
  // An admin change heard while the re-check read the user is newer than what it read.
  if (verdict.user && !adminChangedSince(verdict.user.id)) followAdminStatus(socket, verdict.user.admin);
}

/**
 * Makes the sockets of this process follow account changes — logouts, ended sessions, "log out
 * everywhere", password changes, deletions, admin changes — wherever they were made (another
 * process, the CLI): every process hears them over Redis pub/sub and acts on its own sockets, with
 * or without the socket.io Redis adapter. When the subscription drops and comes back, the events
 * published meanwhile are lost: every socket is then checked again against the stored sessions and
 * users.
 */
export function followAccountChanges(
  io: RandomJobsServer,
  accountEvents: AccountEvents,
  sessions: Pick<SessionsService, 'verdicts'>,
  logger: AppLogger,
): AccountChanges {
  const ledger: { at: number; entry: AccountEvent | 'recheck' }[] = [];
  const retries = new Set<NodeJS.Timeout>();
  const namespace = io.of('/');
  let closed = false;

  const record = (entry: AccountEvent | 'recheck') => {
    const now = Date.now();
    while (ledger.length > 0 && ledger[0]!.at < now - ledgerMs) ledger.shift();
    ledger.push({ at: now, entry });
  };

  const localSocketsOf = (userId: string): RandomJobsSocket[] => {
    const ids = namespace.adapter.rooms.get(userRoom(userId));
    if (!ids) return [];
    return [...ids].map((id) => namespace.sockets.get(id)).filter((socket) => socket !== undefined);
  };

  /** Checks sockets again (after lost events), trying again while the services do not answer. */
  const recheck = async (sockets: RandomJobsSocket[], attempt = 1): Promise<void> => {
    const authenticated = sockets.filter((socket) => socket.connected && socket.data.claims);
    if (closed || authenticated.length === 0) return;
    const startedAt = Date.now();
    const adminChangedSince = (userId: string) =>
      ledger.some(
        ({ at, entry }) =>
          at >= startedAt && entry !== 'recheck' && entry.type === 'adminChanged' && entry.userId === userId,
      );
    try {
      const verdicts = await sessions.verdicts(authenticated.map((socket) => socket.data.claims!));
      authenticated.forEach((socket, index) => applyVerdict(verdicts[index]!, socket, adminChangedSince));
    } catch (error) {
      logger.warn(`The sockets could not be checked again (attempt ${attempt}): ${messageOf(error)}`);
      if (attempt >= recheckAttempts || closed) return;
      const retry = setTimeout(() => {
        retries.delete(retry);
        void recheck(authenticated, attempt + 1);
      }, recheckRetryMs);
      retries.add(retry);
    }
  };

  const unsubscribe = accountEvents.on((event) => {
    record(event);
    for (const socket of localSocketsOf(event.userId)) applyTo(event, socket);
  });
  const unsubscribeResubscribed = accountEvents.onResubscribed(() => {
    record('recheck');
    void recheck([...namespace.sockets.values()]);
  });

  return {
    catchUp(socket) {
      const since = socket.data.checkedSince;
      if (since === undefined) return;
      for (const { at, entry } of ledger) {
        if (at < since) continue;
        if (entry === 'recheck') void recheck([socket]);
        else applyTo(entry, socket);
      }
    },
    close() {
      closed = true;
      unsubscribe();
      unsubscribeResubscribed();
      for (const retry of retries) clearTimeout(retry);
      retries.clear();
    },
  };
}
