import type { RouteDocs } from '../../http/openapi';
import { publicUserEnvelopeSchema } from '../users/users.schemas';
import { messageSchema, sessionResponseSchema } from './sessions.schemas';

const authenticated = {
  401: 'No token, or not `Authorization: Bearer <token>`.',
  403: 'A bad, expired or revoked token.',
  503: 'The session store (Redis) is unavailable.',
} as const;

/** The OpenAPI documentation of the `/sessions` routes (input schemas and authentication are in their declarations). */
export const sessionsDocs = {
  login: {
    summary: 'Log in',
    description: 'Rate-limited per client address (`rate_limit_login`).',
    tag: 'sessions',
    responses: {
      200: {
        description: 'The user and a token.',
        schema: sessionResponseSchema,
        headers: { Authorization: '`Bearer <token>`, the same token.' },
      },
      401: 'The email or the password is wrong (both answered alike).',
      422: 'A missing field or a value of the wrong type.',
      429: {
        description: 'Too many logins from this address.',
        headers: { 'Retry-After': 'Seconds until the window ends.' },
      },
      503: 'The rate limiter (Redis) is unavailable.',
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
      '`scope=local` (the default) revokes this token; `others` every other token of the user (this one keeps working); `all` every token of the user. Sockets authenticated with a revoked token are disconnected on every server process.',
    tag: 'sessions',
    responses: {
      200: { description: 'The tokens are refused from now on.', schema: messageSchema },
      ...authenticated,
      422: 'An unknown `scope`.',
    },
  },
} satisfies Record<string, RouteDocs>;
