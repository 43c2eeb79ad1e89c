import type { SessionEndReason } from '../../client/types';
import type { AccountEvent, AccountEvents } from '../../libraries/accountEvents';
import { adminsRoom, userRoom, type RandomJobsServer, type RandomJobsSocket } from './randomjobs.rooms';

/** How long events are remembered for sockets still in their handshake (longer than any handshake lasts). */
const ledgerMs = 60_000;

export interface AccountChanges {
  /**
   * Applies to a socket that just connected the events that arrived since its handshake began
   * checking: its checks may have read the state from before them, and until now it was not among
   * the connected sockets the events reach. So no socket outlives a logout that lands mid-handshake.
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

/** What an account event does to one socket of this process. */
function applyTo(event: AccountEvent, socket: RandomJobsSocket): void {
  const claims = socket.data.claims;
  if (!claims || socket.data.userId !== event.userId || !socket.connected) return;
  switch (event.type) {
    case 'tokenRevoked':
      if (claims.jti === event.jti) endSession(socket, 'revoked');
      return;
    case 'userTokensRevoked':
      if (claims.iatMs <= event.beforeMs && claims.jti !== event.exceptJti) endSession(socket, 'revoked');
      return;
    case 'userDeleted':
      endSession(socket, 'deleted');
      return;
    case 'adminChanged':
      // Local sockets only: every process hears the event and moves its own.
      void (event.admin ? socket.join(adminsRoom) : socket.leave(adminsRoom));
      return;
  }
}

/**
 * Makes the sockets of this process follow account changes — logouts, "log out everywhere",
 * password changes, deletions, admin changes — wherever they were made (another process, the CLI):
 * every process hears them over Redis pub/sub and acts on its own sockets, with or without the
 * socket.io Redis adapter.
 */
export function followAccountChanges(io: RandomJobsServer, accountEvents: AccountEvents): AccountChanges {
  const ledger: { at: number; event: AccountEvent }[] = [];
  const namespace = io.of('/');

  const localSocketsOf = (userId: string): RandomJobsSocket[] => {
    const ids = namespace.adapter.rooms.get(userRoom(userId));
    if (!ids) return [];
    return [...ids].map((id) => namespace.sockets.get(id)).filter((socket) => socket !== undefined);
  };

  const unsubscribe = accountEvents.on((event) => {
    const now = Date.now();
    while (ledger.length > 0 && ledger[0]!.at < now - ledgerMs) ledger.shift();
    ledger.push({ at: now, event });
    for (const socket of localSocketsOf(event.userId)) applyTo(event, socket);
  });

  return {
    catchUp(socket) {
      const since = socket.data.checkedSince;
      if (since === undefined) return;
      for (const { at, event } of ledger) if (at >= since) applyTo(event, socket);
    },
    close: unsubscribe,
  };
}
