import express, { type RequestHandler } from 'express';

/**
 * The API's body parsers (JSON and URL-encoded forms, 100 kB each), run only for a request that
 * has a body: without one they would do nothing but cost every GET two calls.
 */
export function bodyParsers(): RequestHandler {
  const json = express.json({ limit: '100kb' });
  const form = express.urlencoded({ extended: false, limit: '100kb' });
  return (req, res, next) => {
    // What body-parser itself tests (type-is `hasBody`) before it reads anything.
    if (req.headers['transfer-encoding'] === undefined && req.headers['content-length'] === undefined) return next();
    json(req, res, (error?: unknown) => (error === undefined ? form(req, res, next) : next(error)));
  };
}
