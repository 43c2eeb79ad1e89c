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

/** A user as the API shows it: never a password or its hash. */
export interface PublicUser {
  id: string;
  email: string;
  username: string;
  admin: boolean;
  /**
   * URL of the profile picture, stable whatever is uploaded: the API's `GET /users/<id>/image`, which
   * redirects to a signed URL of the (private) storage and answers 404 until a picture is uploaded;
   * or `<s3_public_url>/profile-images/<id>` when the server sets `s3_public_url`. On the wire it is
   * root-relative (`/users/<id>/image`) unless the server sets `public_url`; the SDK makes it
   * absolute against its `baseURL`.
   */
  image: string;
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
  data: PublicUser[];
  /** Cursor of the next page, or null on the last page. */
  next: string | null;
}

export interface UserListQuery {
  limit?: number;
  cursor?: string;
}

/** Body of answers that only confirm something, e.g. `DELETE /sessions`. */
export interface MessageBody {
  message: string;
}

export interface SessionResponse {
  data: PublicUser;
  token: string;
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

/** Body of every error response. */
export interface ErrorBody {
  hasError: 1;
  error: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: Record<string, { ok: boolean; error?: string }>;
}

/** Payload of `adminStatistics`. */
export interface AdminStatistics {
  availableJobs: number;
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

/** Socket.io path of the real-time endpoint. */
export const randomJobsPath = '/random-jobs';

/** Events the server sends on `/random-jobs`. */
export interface ServerToClientEvents {
  randomJob: (job: Job) => void;
  jobNotFound: (payload: { location: string }) => void;
  adminStatistics: (statistics: AdminStatistics) => void;
  forbidden: (payload: { event: string }) => void;
  sessionEnded: (payload: SessionEnd) => void;
}

/** The ack of a request refused for going over `socket_rate_limit`; nothing else was done. */
export interface RateLimitedAnswer {
  error: 'rate limited';
}

/** Events a client sends on `/random-jobs`. */
export interface ClientToServerEvents {
  jobRequest: (
    location: string | { location: string },
    ack?: (answer: { job: Job | null } | RateLimitedAnswer) => void,
  ) => void;
  /** Acknowledged only when refused (rate limited); the statistics come as `adminStatistics`. */
  adminStatisticsRequest: (ack?: (answer: RateLimitedAnswer) => void) => void;
}
