/**
 * Wire types of the node-jobs API. The server imports these (`import type`) so the two cannot
 * drift; nothing here may import server code, because the SDK bundles for browsers.
 */

export const jobTypes = ['Full Time', 'Part Time', 'Contract', 'Internship', 'Other'] as const;
export type JobType = (typeof jobTypes)[number];

/** A job posting, in the GitHub Jobs `positions.json` shape whatever the upstream board. */
export interface Job {
  id: string;
  type: JobType;
  url: string;
  /** ISO 8601 date-time. */
  created_at: string;
  company: string;
  company_url: string | null;
  location: string;
  title: string;
  /** HTML. */
  description: string;
  /** HTML. */
  how_to_apply: string;
  company_logo: string | null;
}

/** Query of `GET /`. Every field is optional; `full_time` keeps only `Full Time` jobs. */
export interface JobSearchQuery {
  location?: string;
  description?: string;
  full_time?: boolean;
}

/** A user as anyone logged in sees it: no email, no admin flag (`GET /users`, `GET /users/:id` of someone else). */
export interface UserProfile {
  id: string;
  username: string;
  /**
   * URL of the profile picture, stable whatever is uploaded: the API's `GET /users/<id>/image`, which
   * redirects to a signed URL of the (private) storage and answers 404 until a picture is uploaded;
   * or `<s3_public_url>/profile-images/<id>` when the server sets `s3_public_url`. On the wire it is
   * root-relative (`/users/<id>/image`) unless the server sets `public_url`; the SDK makes it
   * absolute against its `baseURL`.
   */
  image: string;
}

/** A user as the user itself and admins see it: never a password or its hash. */
export interface PublicUser extends UserProfile {
  email: string;
  admin: boolean;
  /** Whether the user opened the link mailed to `email` (false again after each change of email). */
  emailVerified: boolean;
}

/**
 * Whether a user as `GET /users` or `GET /users/:id` answers is the whole `PublicUser` (the caller
 * is that user or an admin) rather than its `UserProfile`.
 */
export function isPublicUser(user: PublicUser | UserProfile): user is PublicUser {
  return 'email' in user;
}

export interface NewUser {
  email: string;
  username: string;
  password: string;
}

export interface UserChanges {
  email?: string;
  username?: string;
}

/** Body of `PUT /users/:id/password`. */
export interface PasswordChange {
  currentPassword: string;
  /** Same rules as at registration. */
  newPassword: string;
}

export const logoutScopes = ['local', 'others', 'all'] as const;
/** Which tokens `DELETE /sessions` refuses: this one (`local`), the user's other ones (`others`), or all (`all`). */
export type LogoutScope = (typeof logoutScopes)[number];

/** Query of `DELETE /sessions`. */
export interface LogoutQuery {
  /** `local` by default. */
  scope?: LogoutScope;
}

export interface Credentials {
  email: string;
  password: string;
}

export interface DataEnvelope<T> {
  data: T;
}

export interface UserPage {
  /** `PublicUser` for the caller itself (and every user for an admin), `UserProfile` for the others. */
  data: (PublicUser | UserProfile)[];
  /** Cursor of the next page, or null on the last page. */
  next: string | null;
}

export interface UserListQuery {
  limit?: number;
  cursor?: string;
}

/** Body of `POST /password-resets`. */
export interface PasswordResetRequest {
  email: string;
}

/** Body of `POST /password-resets/confirm`. */
export interface PasswordResetConfirmation {
  /** The `token` of the link in the mail. */
  token: string;
  /** Same rules as at registration. */
  newPassword: string;
}

/** Body of `POST /email-verifications`. */
export interface EmailVerificationConfirmation {
  /** The `token` of the link in the mail. */
  token: string;
}

/** Body of answers that only confirm something, e.g. `DELETE /sessions`. */
export interface MessageBody {
  message: string;
}

/**
 * Body of `POST /sessions`, `POST /sessions/refresh` and `PUT /users/:id/password`: the user and a
 * new pair of tokens of one session.
 */
export interface SessionResponse {
  data: PublicUser;
  /** The access token (a JWT), sent as `Authorization: Bearer <token>`. */
  token: string;
  /** Opaque and single-use: `POST /sessions/refresh` trades it for a new pair. */
  refreshToken: string;
  /** Seconds until the access token expires (`token_ttl`). */
  expiresIn: number;
}

/** Body of `POST /sessions/refresh`. */
export interface RefreshRequest {
  refreshToken: string;
}

/** One login of a user (a device, a browser), as `GET /users/:id/sessions` lists it. */
export interface Session {
  /** The session id (`DELETE /users/:id/sessions/:sessionId` ends it). */
  id: string;
  /** ISO 8601 time of the login. */
  createdAt: string;
  /** ISO 8601 time the session was last used (updated at most once a minute). */
  lastUsedAt: string;
  /** The `User-Agent` of the login. */
  userAgent: string;
  /** The client address of the login. */
  ip: string;
  /** Whether it is the session of the token that asked. */
  current: boolean;
}

export interface SignedUpload {
  /** URL to PUT the bytes to, with the signed `Content-Type` (and `Content-Length`). */
  signedRequest: string;
  /** The picture's URL once uploaded: the user's `image` (root-relative on the wire, like it). */
  url: string;
  /** ISO 8601 time after which `signedRequest` is refused. */
  expiresAt: string;
}

export const imageTypes = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type ImageType = (typeof imageTypes)[number];
export const maxImageBytes = 5 * 1024 * 1024;

/**
 * The stable machine word of every error the API answers with, and what each means. A program
 * acts on `code`; `error` is for people and may change.
 */
export const errorCodes = {
  bad_request: 'The request cannot be read: a malformed body, header or URL.',
  unauthenticated: 'No token was sent, or not as `Authorization: Bearer <token>`.',
  invalid_credentials: 'The email or the password is wrong (a login, or the current password of a change).',
  token_invalid: 'The token is malformed, badly signed or not a token of this API.',
  token_expired: 'The token has expired.',
  token_revoked:
    'The token was revoked (a logout, a password change, an ended session, a deletion) or its user no longer exists.',
  refresh_token_invalid:
    'The refresh token is unknown, malformed, or its session has ended (a logout, a password change, a deletion, or refresh_token_ttl without use): log in again.',
  refresh_token_reused:
    'The refresh token was already spent: as it may have been stolen, every token of its session is now revoked; log in again.',
  forbidden: 'The caller may not do this.',
  not_found: 'No such resource or route.',
  request_timeout: 'The request took too long to arrive.',
  conflict: 'The resource is being changed by another request; try again.',
  payload_too_large: 'The body is over 100 kB.',
  unsupported_media_type: 'The body has an encoding, content type or charset the server does not read.',
  validation_failed: 'A value is missing or invalid, or unknown.',
  email_taken: 'Another user has this email address (letter case aside).',
  username_taken: 'Another user has this username.',
  reset_token_invalid:
    'The password-reset link is malformed, unknown, already used or expired (30 minutes), or the password changed since; ask for a new one.',
  verification_token_invalid:
    'The email-verification link is malformed, unknown, already used or expired, or the email changed since it was sent.',
  email_already_verified: 'The email address is verified already: there is nothing to resend.',
  rate_limited: 'Too many requests; try again after `Retry-After` seconds.',
  internal_error: 'An unexpected server fault (details are in the server log).',
  bad_gateway: 'The job board did not answer, or answered badly, and nothing is cached.',
  service_unavailable: 'A service this request depends on is unavailable; try again after `Retry-After` seconds.',
} as const;
export type ErrorCode = keyof typeof errorCodes;

/** The code of an error answer with `status` when nothing more precise is known. */
export function codeOfStatus(status: number): ErrorCode {
  const codes: Partial<Record<number, ErrorCode>> = {
    400: 'bad_request',
    401: 'unauthenticated',
    403: 'forbidden',
    404: 'not_found',
    408: 'request_timeout',
    409: 'conflict',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
    422: 'validation_failed',
    429: 'rate_limited',
    502: 'bad_gateway',
    503: 'service_unavailable',
  };
  return codes[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
}

/** One invalid field of a 422: the field (or query parameter) and what is wrong with it. */
export interface FieldError {
  /** The field's name; a nested one joined with dots (`address.city`). */
  field: string;
  /** What is wrong, for people (`is required.`). */
  message: string;
}

/** Body of every error response. */
export interface ErrorBody {
  hasError: 1;
  /** A readable message. */
  error: string;
  /** A stable machine word (see `errorCodes`). */
  code: ErrorCode;
  /** On a 422: every invalid field, each with its own message. */
  errors?: FieldError[];
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: Record<string, { ok: boolean; error?: string }>;
}

/**
 * Payload of `adminStatistics`: figures of the whole service, the same whichever server process
 * answers (across the workers of `serve --workers`, and across machines with `socket_adapter=redis`).
 */
export interface AdminStatistics {
  /** Jobs in the service's latest search result. */
  availableJobs: number;
  /** Sockets connected to `/random-jobs`, anonymous ones included. */
  sockets: number;
  /** Distinct users among the authenticated sockets. */
  users: number;
  /** Distinct admins among them (their sockets are in the `admins` room). */
  admins: number;
  /** Server processes of the service. */
  processes: number;
}

/**
 * Why the server ended a socket's session: its token was revoked (a logout, "log out everywhere",
 * a password change), it expired, or its user was deleted.
 */
export type SessionEndReason = 'revoked' | 'expired' | 'deleted';

/** Payload of `sessionEnded`, sent just before the server disconnects the socket. */
export interface SessionEnd {
  reason: SessionEndReason;
}

/** Payload of `adminChanged`: the user's admin status now. */
export interface AdminChange {
  admin: boolean;
}

/** Socket.io path of the real-time endpoint. */
export const randomJobsPath = '/random-jobs';

/** Events the server sends on `/random-jobs`. */
export interface ServerToClientEvents {
  randomJob: (job: Job) => void;
  jobNotFound: (payload: { location: string }) => void;
  adminStatistics: (statistics: AdminStatistics) => void;
  forbidden: (payload: { event: string }) => void;
  sessionEnded: (payload: SessionEnd) => void;
  /** The user of this socket became an admin, or stopped being one (the socket joined or left `admins`). */
  adminChanged: (payload: AdminChange) => void;
}

/** The ack of a request refused for going over `socket_rate_limit`; nothing else was done. */
export interface RateLimitedAnswer {
  error: 'rate limited';
}

/** The ack of a cold `jobRequest` whose search limit cannot be counted (Redis away); nothing was asked upstream. */
export interface UnavailableAnswer {
  error: 'unavailable';
}

/** Events a client sends on `/random-jobs`. */
export interface ClientToServerEvents {
  jobRequest: (
    location: string | { location: string },
    ack?: (answer: { job: Job | null } | RateLimitedAnswer | UnavailableAnswer) => void,
  ) => void;
  /** Acknowledged only when refused (rate limited); the statistics come as `adminStatistics`. */
  adminStatisticsRequest: (ack?: (answer: RateLimitedAnswer) => void) => void;
}
