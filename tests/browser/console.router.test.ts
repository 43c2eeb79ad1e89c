import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppLogger } from '../../libraries/appLogger';
import { createErrorHandler } from '../../http/errorHandler';
import { packageFile } from '../../libraries/packageFile';
import { createConsoleRouter } from '../../services/console/console.router';
import { startTestServer, type TestServer } from '../harness/testServer';

describe('GET /console (the build from the global set-up)', () => {
  let server: TestServer;
  let base: string;
  beforeAll(async () => {
    server = await startTestServer({ random_job_interval_ms: 3_600_000 });
    base = `http://127.0.0.1:${server.server.port}`;
  });
  afterAll(async () => {
    await server.stop();
  });

  it('redirects /console to /console/, keeping the query', async () => {
    for (const [path, location] of [
      ['/console', '/console/'],
      ['/console?from=mail', '/console/?from=mail'],
    ]) {
      const response = await fetch(`${base}${path}`, { redirect: 'manual' });
      expect(response.status).toBe(301);
      expect(response.headers.get('location')).toBe(location);
    }
  });

  it('serves index.html as HTML that browsers revalidate, with a strict content security policy', async () => {
    const response = await fetch(`${base}/console/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("default-src 'none'");
    // Pictures load from the API ('self'), which redirects to a signed URL of the storage.
    const storage = new URL(server.config.s3_endpoint!).origin;
    expect(policy).toContain(`img-src 'self' blob: data: ${storage};`);
    expect(policy).toContain(`connect-src 'self'`);
    expect(policy).toMatch(new RegExp(`connect-src [^;]* ${storage}(;|$)`));
    const html = await response.text();
    expect(html).toContain('<title>node-jobs console</title>');
    expect(html).not.toContain('main.ts');
  });

  it('serves the console page at the addresses mailed links open, under the same policy', async () => {
    const root = await fetch(`${base}/console/`);
    for (const page of ['reset-password', 'verify-email']) {
      const response = await fetch(`${base}/console/${page}?token=abc_DEF-123`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toBe(root.headers.get('content-security-policy'));
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(await response.text()).toBe(await (await fetch(`${base}/console/`)).text());
      // The page's relative asset addresses resolve under /console/ only without a trailing slash.
      expect((await fetch(`${base}/console/${page}/`)).status).toBe(404);
    }
  });

  it('serves the hashed script and style sheet with their types, cached for a year', async () => {
    const html = await (await fetch(`${base}/console/`)).text();
    const script = /src="\.\/(assets\/main-[\w-]+\.js)"/.exec(html)?.[1];
    const styles = /href="\.\/(assets\/styles-[\w-]+\.css)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect(styles).toBeDefined();
    for (const [path, type] of [
      [script!, 'text/javascript; charset=utf-8'],
      [styles!, 'text/css; charset=utf-8'],
    ]) {
      const response = await fetch(`${base}/console/${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(type);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(Buffer.from(await response.arrayBuffer())).toEqual(await readFile(packageFile(`dist/console/${path}`)));
    }
  });

  it('answers 404 JSON for a file that is not part of the console', async () => {
    const response = await fetch(`${base}/console/assets/nothing-here.js`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ hasError: 1 });
  });
});

describe('the console under s3_public_url', () => {
  it('lets the page load pictures from the public address of the bucket too', async () => {
    const server = await startTestServer({
      random_job_interval_ms: 3_600_000,
      s3_public_url: 'https://d111111abcdef8.cloudfront.net/pictures',
    });
    try {
      const response = await fetch(`http://127.0.0.1:${server.server.port}/console/`);
      const policy = response.headers.get('content-security-policy') ?? '';
      const storage = new URL(server.config.s3_endpoint!).origin;
      expect(policy).toContain(`img-src 'self' blob: data: ${storage} https://d111111abcdef8.cloudfront.net;`);
    } finally {
      await server.stop();
    }
  });
});

describe('a console that is not built', () => {
  it('answers 503 JSON saying how to build it', async () => {
    const missing = await mkdtemp(join(tmpdir(), 'node-jobs-console-'));
    const app = express();
    app.use(
      '/console',
      createConsoleRouter({ imageStorageOrigin: 'http://127.0.0.1:4569', directory: join(missing, 'console') }),
    );
    app.use(createErrorHandler(createAppLogger(true)));
    const listener = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listener.once('listening', resolve));
    try {
      const { port } = listener.address() as AddressInfo;
      for (const path of ['/console', '/console/', '/console/assets/main.js']) {
        const response = await fetch(`http://127.0.0.1:${port}${path}`, { redirect: 'manual' });
        expect(response.status).toBe(503);
        expect(await response.json()).toEqual({
          hasError: 1,
          error: 'The console is not built; run npm run build:console.',
          code: 'service_unavailable',
        });
      }
    } finally {
      listener.close();
      await rm(missing, { recursive: true, force: true });
    }
  });
});
