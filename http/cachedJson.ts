import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';

/** A value serialized once: its JSON bytes and their ETag. */
export interface SerializedJson {
  readonly body: Buffer;
  readonly etag: string;
}

/**
 * Serializes values once each, by identity: a value the caller hands again (a cached search
 * result, which is never mutated) is sent as the same bytes with the same ETag, without
 * `JSON.stringify` and a hash per request. Entries go with their values (a WeakMap).
 */
export class JsonBytesCache {
  private readonly serialized = new WeakMap<object, SerializedJson>();

  /** The bytes and ETag of `value`, computed on its first use. */
  of(value: object): SerializedJson {
    let found = this.serialized.get(value);
    if (!found) {
      const body = Buffer.from(JSON.stringify(value));
      found = { body, etag: `"${body.length.toString(16)}-${createHash('sha1').update(body).digest('base64url')}"` };
      this.serialized.set(value, found);
    }
    return found;
  }

  /** Answers `value` as JSON: 304 without a body when the request's `If-None-Match` names its ETag. */
  send(req: Request, res: Response, value: object): void {
    const { body, etag } = this.of(value);
    res.setHeader('ETag', etag);
    if (matches(req.headers['if-none-match'], etag)) {
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', body.length);
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

/** Whether an `If-None-Match` header names `etag` (weak comparison, as for GET) or is `*`. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
