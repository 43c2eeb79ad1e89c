import type { RouteDocs } from '../../http/openapi';
import { publicUserEnvelopeSchema } from '../users/users.schemas';
import { messageSchema, sessionListSchema, sessionResponseSchema } from './sessions.schemas';

const authenticated = {
  401: 'No token, or not `Authorization: Bearer <token>`.',
  403: 'A bad, expired or revoked token (`token_invalid`, `token_expired`, `token_revoked`).',
  503: 'The session store (Redis) is unavailable.',
} as const;

/** The OpenAPI documentation of the `/sessions` and `/users/:id/sessions` routes (input schemas and authentication are in their declarations). */
export const sessionsDocs = {
  login: {
    summary: 'Log in',
    description:
      'Starts a session: an access token (`token`, valid `expiresIn` seconds) and a refresh token to renew it. Rate-limited per client address (`rate_limit_login`).',
    tag: 'sessions',
    responses: {
      200: {
        description: 'The user and the tokens of a new session.',
        schema: sessionResponseSchema,
        headers: { Authorization: '`Bearer <token>`, the same access token.' },
      },
      401: 'The email or the password is wrong (both answered alike).',
      422: 'A missing field or a value of the wrong type.',
      429: {
        description: 'Too many logins from this address.',
        headers: { 'Retry-After': 'Seconds until the window ends.' },
      },
      503: 'The rate limiter or the session store (Redis) is unavailable.',
    },
  },
  refresh: {
    summary: 'Refresh the tokens',
    description:
      'Trades a refresh token for a new pair of the same session; the refresh token presented is spent. A spent refresh token presented again ends its session (every token of it is refused): it may have been stolen. Each refresh keeps the session for another `refresh_token_ttl`.',
    tag: 'sessions',
    responses: {
      200: {
        description: 'The user and a new pair of tokens.',
        schema: sessionResponseSchema,
        headers: { Authorization: '`Bearer <token>`, the new access token.' },
      },
      401: '`refresh_token_invalid`: unknown, malformed, or its session has ended; `refresh_token_reused`: already spent (the session is now ended).',
      422: 'A missing `refreshToken` or a value of the wrong type.',
      503: 'The session store (Redis) is unavailable.',
    },
  },
  current: {
    summary: 'The logged-in user',
    tag: 'sessions',
    responses: { 200: { description: 'The user of the token.', schema: publicUserEnvelopeSchema }, ...authenticated },
  },
  logout: {
    summary: 'Log out',
    description:
      '`scope=local` (the default) ends this session; `others` every other session of the user (this one keeps working); `all` every session of the user. The access and refresh tokens of an ended session are refused, and its sockets are disconnected on every server process.',
    tag: 'sessions',
    responses: {
      200: { description: 'The sessions have ended.', schema: messageSchema },
      ...authenticated,
      422: 'An unknown `scope`.',
    },
  },
  list: {
    summary: 'A user’s sessions',
    description:
      'Every session (login) of the user, oldest first; the one of the calling token is `current`. The user themselves or an admin.',
    tag: 'sessions',
    responses: {
      200: { description: 'The sessions.', schema: sessionListSchema },
      ...authenticated,
      403: 'A bad, expired or revoked token; or the caller is neither the user nor an admin.',
      404: 'No user with this id.',
    },
  },
  end: {
    summary: 'End a session',
    description:
      'Its access and refresh tokens are refused and its sockets are disconnected on every server process. The user themselves or an admin.',
    tag: 'sessions',
    responses: {
      204: 'Ended; no body.',
      ...authenticated,
      403: 'A bad, expired or revoked token; or the caller is neither the user nor an admin.',
      404: 'No user with this id, or no session with this id of this user.',
    },
  },
} satisfies Record<string, RouteDocs>;
