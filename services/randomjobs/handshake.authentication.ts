import type { AppLogger } from '../../libraries/appLogger';
import { HttpError } from '../../libraries/errors';
import type { JwtManager } from '../../libraries/jwtManager';
import { adminsRoom, tokenRoom, userRoom, type RandomJobsServer, type RandomJobsSocket } from './randomjobs.rooms';

type Middleware = Parameters<RandomJobsServer['use']>[0];

export interface HandshakeOptions {
  jwtManager: JwtManager;
  /** Whether a user is an admin now; undefined when the user does not exist. */
  isAdmin: (userId: string) => Promise<boolean | undefined>;
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
 * Lets a socket without a token in anonymously; one with a valid token joins its token's and its
 * user's rooms (and the admins' room for an admin); an invalid or revoked token, or a deleted user,
 * is refused. Account events arriving while it checks are applied when it connects (`catchUp`).
 */
export function authenticateHandshake({ jwtManager, isAdmin, logger }: HandshakeOptions): Middleware {
  return async (socket, next) => {
    const token = handshakeToken(socket);
    if (!token) return next();
    try {
      const unverified = jwtManager.decode(token);
      socket.data.checkedSince = Date.now();
      const [claims, admin] = await Promise.all([jwtManager.verify(token), isAdmin(unverified.sub)]);
      if (admin === undefined) return next(new Error('The token belongs to a user who no longer exists.'));
      socket.data.userId = claims.sub;
      socket.data.claims = claims;
      const rooms = [tokenRoom(claims.jti), userRoom(claims.sub)];
      await socket.join(admin ? [...rooms, adminsRoom] : rooms);
      next();
    } catch (error) {
      // A refused token or an unavailable store carries a message meant for the client.
      if (error instanceof HttpError) return next(new Error(error.message));
      logger.error('Socket handshake failed', error);
      next(new Error('The connection could not be authenticated; try again.'));
    }
  };
}
