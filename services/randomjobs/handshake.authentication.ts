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

/** A handshake value that stands for "no token": left out, null or empty. */
const absent = (value: unknown) => value === undefined || value === null || value === '';

/**
 * The token of a handshake: `auth.token`, else the `token` query parameter; undefined when neither
 * is given.
 * @throws Error when the one given is not a string (a number, an array, an object): refused, never taken for no token
 */
function handshakeToken(socket: RandomJobsSocket): string | undefined {
  const fromAuth: unknown = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  const given: unknown = absent(fromAuth) ? socket.handshake.query.token : fromAuth;
  if (absent(given)) return undefined;
  if (typeof given !== 'string') throw new Error('The token must be a string.');
  return given;
}

/**
 * Lets a socket without a token in anonymously (a token that is not a string is refused); one with a valid token joins its session's and its
 * user's rooms (and the admins' room for a user who is an admin now); an invalid or revoked token,
 * or a deleted user, is refused. Account events arriving while it checks are applied when it
 * connects (`catchUp`).
 */
export function authenticateHandshake({ sessions, logger }: HandshakeOptions): Middleware {
  return async (socket, next) => {
    let token: string | undefined;
    try {
      token = handshakeToken(socket);
    } catch (error) {
      return next(error as Error);
    }
    if (token === undefined) return next();
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
