import { createHash, createHmac } from 'node:crypto';

/**
 * The tokens of mailed links. A token is derived from the mail's job id with the server's secret,
 * so every try of one mail carries the same link, and Redis holds only the token's digest (a
 * reader of Redis learns no usable token).
 */

/** The form of a link token: 32 bytes in base64url. */
const linkTokenPattern = /^[A-Za-z0-9_-]{43}$/;

/** The token of the link in the mail of job `jobId` (HMAC-SHA-256 with `secret`, base64url). */
export function linkToken(secret: string, jobId: string): string {
  return createHmac('sha256', secret).update(`mail-link:${jobId}`).digest('base64url');
}

/** Whether a string has the form of a link token (anything else is refused before any look-up). */
export function isLinkToken(token: string): boolean {
  return linkTokenPattern.test(token);
}

/** SHA-256 of a value in hex: how tokens (and other secrets) are named in Redis. */
export function digestOf(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
