/**
 * What the console says when something fails: a sentence for the error's `code` (the API's stable
 * machine word, or the SDK's own), never the raw wire message for the codes it knows.
 */
import { ApiError, SocketError, type ApiErrorCode } from '../client/index';

/**
 * The sentence of each code a person can act on; other codes show the server's message, which
 * names its field (`email: is already taken.`) for the form to mark.
 */
const sentences: Partial<Record<ApiErrorCode, string>> = {
  invalid_credentials: 'The email or the password is wrong.',
  rate_limited: 'Too many attempts; wait a minute, then try again.',
  token_expired: 'Your session has ended; please log in again.',
  token_revoked: 'Your session has ended; please log in again.',
  forbidden: 'You may not do this.',
  payload_too_large: 'This is too large for the server.',
  bad_gateway: 'The job board did not answer; try again in a moment.',
  service_unavailable: 'The service is briefly unavailable; try again in a moment.',
  internal_error: 'Something went wrong on the server; please try again.',
  network_error: 'The server cannot be reached; check your connection and try again.',
  timeout: 'The server took too long to answer; please try again.',
};

/** A form's own reading of a code: its sentence, and the field to mark invalid. */
export interface CodeReading {
  message: string;
  field?: string;
}

/**
 * The sentence for a failure: `readings[code]` (a form's own), else the console's sentence for
 * the code, else the error's message (a validation message such as `username: must be …`).
 */
export function readError(error: unknown, readings: Partial<Record<ApiErrorCode, CodeReading>> = {}): CodeReading {
  if (error instanceof ApiError) {
    const own = readings[error.code];
    if (own) return own;
    const sentence = sentences[error.code];
    if (sentence) return { message: sentence };
  }
  if (error instanceof SocketError && error.code === 'rate_limited') return { message: sentences.rate_limited! };
  if (error instanceof Error && error.message) return { message: error.message };
  return { message: 'Something went wrong; please try again.' };
}

/** The sentence for a failure (see `readError`). */
export const sentenceOf = (error: unknown): string => readError(error).message;
