import type { RequestHandler } from 'express';

/**
 * What every API answer may do in a browser: nothing. JSON loads no resources. The docs page
 * (`services/docs/`) and the console set their own, wider policies.
 */
const apiPolicy = ["default-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"].join('; ');

/** The security headers of every answer, as `[name, value]` pairs (also written on the raw answers of `clientErrors`). */
export const securityHeaderEntries: ReadonlyArray<readonly [string, string]> = Object.entries({
  'Content-Security-Policy': apiPolicy,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'X-DNS-Prefetch-Control': 'off',
  'X-Permitted-Cross-Domain-Policies': 'none',
});

/** The security headers of every response, set once before any route (helmet's defaults that matter for a JSON API). */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  // Node's setHeader, not Express's res.set: these are plain strings, with no charset to add.
  for (const [name, value] of securityHeaderEntries) res.setHeader(name, value);
  next();
};
