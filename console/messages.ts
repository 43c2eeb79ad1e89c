/**
 * What the console says when something fails: a sentence for the error's `code` (the API's stable
 * machine word, or the SDK's own), never the raw wire message for the codes it knows.
 */
import { ApiError, SocketError, type ApiErrorCode, type FieldError } from '../client/index';

/**
 * The sentence of each code a person can act on; other codes show the server's message, which
 * names its field (`email: is already taken.`) for the form to mark.
 */
const sentences: Partial<Record<ApiErrorCode, string>> = {
  invalid_credentials: 'The email or the password is wrong.',
  rate_limited: 'Too many attempts; wait a minute, then try again.',
  token_expired: 'Your session has ended; please log in again.',
  token_revoked: 'Your session has ended; please log in again.',
  refresh_token_invalid: 'Your session has ended; please log in again.',
  refresh_token_reused: 'Your session has ended; please log in again.',
  reset_token_invalid: 'This link is used, expired (it works for 30 minutes) or unknown. Ask for a new one.',
  verification_token_invalid:
    'This link is used, expired, or was sent to an address the account no longer has. Log in to send a new one.',
  email_already_verified: 'Your email is verified already.',
  forbidden: 'You may not do this.',
  payload_too_large: 'This is too large for the server.',
  bad_gateway: 'The job board did not answer; try again in a moment.',
  service_unavailable: 'The service is briefly unavailable; try again in a moment.',
  internal_error: 'Something went wrong on the server; please try again.',
  network_error: 'The server cannot be reached; check your connection and try again.',
  timeout: 'The server took too long to answer; please try again.',
};

/** The console's sentence for `code`, if it has one. */
export const sentenceOfCode = (code: ApiErrorCode): string | undefined => sentences[code];

/**
 * Whether `error` refuses a mailed link's token: its code (`reset_token_invalid`,
 * `verification_token_invalid`), or a 422 naming the `token` field (a malformed one).
 */
export function refusesToken(error: unknown, code: 'reset_token_invalid' | 'verification_token_invalid'): boolean {
  return error instanceof ApiError && (error.code === code || error.fields.some(({ field }) => field === 'token'));
}

/** A form's own reading of a code: its sentence, and the field to mark invalid. */
export interface CodeReading {
  message: string;
  field?: string;
  /** A 422's invalid fields, each with its message, for the form to say beside its inputs. */
  fields?: readonly FieldError[];
}

/**
 * The sentence for a failure: `readings[code]` (a form's own), else the console's sentence for
 * the code, else the error's message (a validation message such as `username: must be …`). A 422
 * that names its invalid fields (`ApiError.fields`) brings them along.
 */
export function readError(error: unknown, readings: Partial<Record<ApiErrorCode, CodeReading>> = {}): CodeReading {
  if (error instanceof ApiError) {
    const own = readings[error.code];
    if (own) return own;
    if (error.fields.length > 0) return { message: error.message, fields: error.fields };
    const sentence = sentences[error.code];
    if (sentence) return { message: sentence };
  }
  if (error instanceof SocketError && error.code === 'rate_limited') return { message: sentences.rate_limited! };
  if (error instanceof Error && error.message) return { message: error.message };
  return { message: 'Something went wrong; please try again.' };
}

/** The sentence for a failure (see `readError`). */
export const sentenceOf = (error: unknown): string => readError(error).message;
