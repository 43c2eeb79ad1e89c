import type { RouteDocs } from '../../http/openapi';
import { publicUserEnvelopeSchema } from '../users/users.schemas';
import { messageSchema, sessionResponseSchema } from './sessions.schemas';

const authenticated = {
  401: 'No token, or not `Authorization: Bearer <token>`.',
  403: 'A bad, expired or revoked token.',
  503: 'The session store (Redis) is unavailable.',
} as const;

/** The OpenAPI documentation of the `/sessions` routes (request schemas come from their validation). */
export const sessionsDocs = {
  login: {
    summary: 'Log in',
    description: 'Rate-limited per client address (`rate_limit_login`).',
    tag: 'sessions',
    responses: {
      200: { description: 'The user and a token.', schema: sessionResponseSchema, headers: { Authorization: '`Bearer <token>`, the same token.' } },
      401: 'The email or the password is wrong (both answered alike).',
      422: 'A missing field or a value of the wrong type.',
      429: { description: 'Too many logins from this address.', headers: { 'Retry-After': 'Seconds until the window ends.' } },
      503: 'The rate limiter (Redis) is unavailable.',
    },
  },
  current: {
    summary: 'The logged-in user',
    tag: 'sessions',
    auth: true,
    responses: { 200: { description: 'The user of the token.', schema: publicUserEnvelopeSchema }, ...authenticated, 404: 'The user of this token no longer exists.' },
  },
  logout: {
    summary: 'Log out',
    description: 'Revokes this token until it would have expired; the user’s other tokens stay valid.',
    tag: 'sessions',
    auth: true,
    responses: { 200: { description: 'The token is refused from now on.', schema: messageSchema }, ...authenticated },
  },
} satisfies Record<string, RouteDocs>;
