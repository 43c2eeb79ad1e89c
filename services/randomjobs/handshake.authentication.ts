import type { AppLogger } from '../../libraries/appLogger';
import { HttpError } from '../../libraries/errors';
import type { SessionsService } from '../sessions/sessions.service';
import { adminsRoom, sessionRoom, userRoom, type RandomJobsServer, type RandomJobsSocket } from './randomjobs.rooms';

type Middleware = Parameters<RandomJobsServer['use']>[0];

export interface HandshakeOptions {
  /** Verifies a token completely (session, token generation) and reads its user as stored now. */
  sessions: Pick<SessionsService, 'authenticate'>;
  logger: AppLogger;
}

/** The token of a handshake: `auth.token`, else the `token` query parameter. */
function handshakeToken(socket: RandomJobsSocket): string | undefined {
  const fromAuth: unknown = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  const fromQuery: unknown = socket.handshake.query.token;
  const token = typeof fromAuth === 'string' && fromAuth !== '' ? fromAuth : fromQuery;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/**
 * Lets a socket without a token in anonymously; one with a valid token joins its session's and its
 * user's rooms (and the admins' room for a user who is an admin now); an invalid or revoked token,
 * or a deleted user, is refused. Account events arriving while it checks are applied when it
 * connects (`catchUp`).
 */
export function authenticateHandshake({ sessions, logger }: HandshakeOptions): Middleware {
  return async (socket, next) => {
    const token = handshakeToken(socket);
    if (!token) return next();
    try {
      socket.data.checkedSince = Date.now();
      const { claims, user } = await sessions.authenticate(token);
      socket.data.userId = claims.sub;
      socket.data.claims = claims;
      const rooms = [sessionRoom(claims.sid), userRoom(claims.sub)];
      await socket.join(user.admin ? [...rooms, adminsRoom] : rooms);
      next();
    } catch (error) {
      // A refused token or an unavailable store carries a message meant for the client.
      if (error instanceof HttpError) return next(new Error(error.message));
      logger.error('Socket handshake failed', error);
      next(new Error('The connection could not be authenticated; try again.'));
    }
  };
}
