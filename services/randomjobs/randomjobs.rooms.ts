import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../client/types';
import type { TokenClaims } from '../../libraries/jwtManager';

/** The private room of admin sockets. */
export const adminsRoom = 'admins';
/** The room of every socket authenticated with a token of one session. */
export const sessionRoom = (sid: string) => `session:${sid}`;

/** The room of every socket of one user, so account changes reach them. */
export const userRoom = (userId: string) => `user:${userId}`;

/** What the handshake established about a socket. */
export interface SocketData {
  userId?: string;
  claims?: TokenClaims;
  /**
   * When the handshake began checking the token and the user (ms, this process's clock): account
   * events and re-checks from then on are applied at connection.
   */
  checkedSince?: number;
}

export type RandomJobsServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type RandomJobsSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
