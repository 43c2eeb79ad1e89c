import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../client/types';
import type { TokenClaims } from '../../libraries/jwtManager';

/** The private room of admin sockets. */
export const adminsRoom = 'admins';
/** The room of every socket authenticated with one token, so a logout reaches it on any server. */
export const tokenRoom = (jti: string) => `token:${jti}`;

/** The room of every socket of one user, so account changes reach them. */
export const userRoom = (userId: string) => `user:${userId}`;

/** What the handshake established about a socket. */
export interface SocketData {
  userId?: string;
  claims?: TokenClaims;
  /** When the handshake began checking the token and the user (ms): later account events are applied at connection. */
  checkedSince?: number;
}

export type RandomJobsServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type RandomJobsSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
