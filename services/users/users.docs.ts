import type { RouteDocs } from '../../http/openapi';
import {
  publicUserEnvelopeSchema,
  sessionResponseSchema,
  userPageSchema,
  visibleUserEnvelopeSchema,
} from './users.schemas';

/** Statuses every authenticated route shares. */
const authenticated = {
  401: 'No token, or not `Authorization: Bearer <token>`.',
  403: 'A bad, expired or revoked token.',
  503: 'The session store (Redis) is unavailable.',
} as const;

/** The OpenAPI documentation of the `/users` routes (input schemas and authentication are in their declarations). */
export const usersDocs = {
  register: {
    summary: 'Register a user',
    description:
      'Emails and usernames are unique ignoring case. A link to verify the email is mailed to it (`emailVerified` is false until it is opened); the registration succeeds even while the mail server is down (the mail is retried). Rate-limited per client address (`rate_limit_register`).',
    tag: 'users',
    responses: {
      201: { description: 'The new user.', schema: publicUserEnvelopeSchema },
      422: 'A missing or invalid field, a taken email or username, or an unknown field.',
      429: {
        description: 'Too many registrations from this address.',
        headers: { 'Retry-After': 'Seconds until the window ends.' },
      },
      503: 'The rate limiter (Redis) is unavailable.',
    },
  },
  list: {
    summary: 'List users',
    description:
      'A page at a time; pass `next` as `cursor` for the following page. The caller (every user, for an admin) is a whole user; the others show only `id`, `username` and `image`.',
    tag: 'users',
    responses: {
      200: { description: 'A page of users.', schema: userPageSchema },
      ...authenticated,
      422: 'A `limit` outside 1..100, a bad cursor or an unknown parameter.',
    },
  },
  get: {
    summary: 'Read a user',
    description:
      'The whole user for the user itself and for admins; anyone else sees only `id`, `username` and `image`.',
    tag: 'users',
    responses: {
      200: { description: 'The user, as the caller may see it.', schema: visibleUserEnvelopeSchema },
      ...authenticated,
      404: 'No user with this id.',
      422: 'An id over 100 characters.',
    },
  },
  update: {
    summary: 'Change a user’s email or username',
    description:
      'The user themselves or an admin (as the database says now). Any other field is refused. A new email is not verified: a link to verify it is mailed to it.',
    tag: 'users',
    responses: {
      200: { description: 'The changed user.', schema: publicUserEnvelopeSchema },
      ...authenticated,
      403: 'A bad, expired or revoked token; or the caller is neither the user nor an admin.',
      404: 'No user with this id.',
      409: 'Concurrent changes to the same user kept colliding; try again.',
      422: 'An invalid or taken value, or any other field.',
    },
  },
  changePassword: {
    summary: 'Change one’s password',
    description:
      'The user themselves only (admins too are refused for someone else). Every session of the user ends (their tokens are refused from then on, on REST and sockets); the answer carries the tokens of a fresh session. Of two concurrent changes with one token, one succeeds and the other answers 409. Counted against `rate_limit_login`.',
    tag: 'users',
    responses: {
      200: {
        description: 'The user and the tokens of a fresh session.',
        schema: sessionResponseSchema,
        headers: { Authorization: '`Bearer <token>`, the fresh token.' },
      },
      ...authenticated,
      403: 'A bad, expired or revoked token; someone else’s account; or `currentPassword` is wrong.',
      409: 'Another password change (or a "log out everywhere") changed the account since the token was checked.',
      422: '`newPassword` breaks the registration rules, a field is missing, or any other field.',
      429: {
        description: 'Too many password attempts from this address.',
        headers: { 'Retry-After': 'Seconds until the window ends.' },
      },
    },
  },
  remove: {
    summary: 'Delete a user',
    description:
      'The user themselves or an admin. The email and username are free at once, the profile image is deleted, every token of the user is refused and its sockets are disconnected.',
    tag: 'users',
    responses: {
      204: 'Deleted; no body.',
      ...authenticated,
      403: 'A bad, expired or revoked token; or the caller is neither the user nor an admin.',
      404: 'No user with this id.',
      422: 'An id over 100 characters.',
    },
  },
} satisfies Record<string, RouteDocs>;
