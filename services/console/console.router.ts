import { access } from 'node:fs/promises';
import { join } from 'node:path';
import express, { Router, type RequestHandler, type Response } from 'express';
import { serviceUnavailable } from '../../libraries/errors';
import { packageFile } from '../../libraries/packageFile';

export interface ConsoleRouterOptions {
  /**
   * The origin of the image storage: the page PUTs pictures there, and loads them there after the
   * API's `GET /users/:id/image` redirects to a signed URL.
   */
  imageStorageOrigin: string;
  /** The origin of `s3_public_url`, where pictures load from directly when it is set. */
  publicImageOrigin?: string | undefined;
  /** The built console (`npm run build:console`); `dist/console` of the package by default. */
  directory?: string;
}

/** The console's pages that mailed links open (`services/mail/mail.links.ts`): the same page, which reads its token from the query. */
const linkPages = new Set(['/reset-password', '/verify-email']);

/** Hashed asset names change with their content, so browsers may keep them for good. */
const immutable = 'public, max-age=31536000, immutable';

/**
 * `/console`: the web console, a static app built on the SDK. `index.html` is revalidated on
 * every visit; the content-hashed assets are cached for a year.
 */
export function createConsoleRouter(options: ConsoleRouterOptions): Router {
  const directory = options.directory ?? packageFile('dist/console');
  const router = Router();
  const imageOrigins = [options.imageStorageOrigin, options.publicImageOrigin].filter((origin) => origin !== undefined);
  router.use(
    consoleBuiltCheck(directory),
    trailingSlashRedirect,
    securityHeaders(options.imageStorageOrigin, [...new Set(imageOrigins)]),
  );
  router.use(linkPage(directory));
  router.use(
    express.static(directory, {
      index: 'index.html',
      redirect: false,
      setHeaders(res, path) {
        res.setHeader('Cache-Control', path.startsWith(join(directory, 'assets')) ? immutable : 'no-cache');
      },
    }),
  );
  return router;
}

/**
 * Serves `index.html` at the addresses of mailed links. A page of the console, not a route of the
 * API (so not in the OpenAPI document); exactly these paths: with a trailing slash the page's
 * relative asset URLs would resolve elsewhere.
 */
function linkPage(directory: string): RequestHandler {
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !linkPages.has(req.path)) return next();
    res.sendFile('index.html', { root: directory, headers: { 'Cache-Control': 'no-cache' } }, (error) => {
      if (error && !res.headersSent) next(error); // after the headers: the client went away
    });
  };
}

/** Answers 503 while the console has not been built. */
function consoleBuiltCheck(directory: string): RequestHandler {
  const index = join(directory, 'index.html');
  return async (_req, _res, next) => {
    try {
      await access(index);
    } catch {
      throw serviceUnavailable('The console is not built; run npm run build:console.');
    }
    next();
  };
}

/** `/console` → `/console/`, so the page's relative asset URLs resolve under `/console/`. */
const trailingSlashRedirect: RequestHandler = (req, res, next) => {
  const [path = '', query] = req.originalUrl.split(/\?(.*)/s);
  if (req.path === '/' && !path.endsWith('/')) return res.redirect(301, `${path}/${query ? `?${query}` : ''}`);
  next();
};

/**
 * Defence in depth for a page that shows text from job boards: scripts and styles from the
 * console itself only; uploads also to the profile-image storage, and pictures from the API
 * ('self'), the storage its redirects lead to, and `s3_public_url`.
 */
const securityHeaders = (storage: string, imageOrigins: readonly string[]): RequestHandler => {
  // 'self' covers the page's own WebSocket (ws:/wss: of its origin, CSP Level 3): no request
  // header, `Host` least of all, ever goes into the policy. The policy is the same for every request.
  const directives = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' blob: data: ${imageOrigins.join(' ')}`,
    `connect-src 'self' ${storage}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  return (_req, res, next) => {
    setPolicy(res, directives);
    next();
  };
};

function setPolicy(res: Response, directives: string[]): void {
  res.set({
    'Content-Security-Policy': directives.join('; '),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
}
