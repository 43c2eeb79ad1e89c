import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../harness/testServer';
import { launchChromium, screenshot, watchPageProblems } from './chromium';

type Document = { paths: Record<string, Record<string, { security?: unknown[] }>> };

/** The OpenAPI path of an operation as swagger-ui shows it (`/users/{id}`). */
const operationBlock = (page: Page, method: string, path: string) =>
  page
    .locator(`.opblock.opblock-${method}`)
    .filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });

describe('the API docs page (/docs) in chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let base: string;
  let document: Document;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ random_job_interval_ms: 3_600_000 }), launchChromium()]);
    base = `http://127.0.0.1:${server.server.port}`;
    document = (await (await fetch(`${base}/openapi.json`)).json()) as Document;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it(
    'shows every operation, a lock only on the authenticated ones, and runs GET /healthz from the page, within its CSP',
    { timeout: 120_000 },
    async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const problems = watchPageProblems(page);
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      try {
        await page.goto(`${base}/docs`);
        await page.locator('.opblock').first().waitFor({ state: 'visible' });

        const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
          Object.entries(methods).map(([method, operation]) => ({ method, path, security: operation.security })),
        );
        expect(operations.length).toBeGreaterThanOrEqual(15);
        expect(await page.locator('.opblock').count()).toBe(operations.length);
        const locked: string[] = [];
        for (const { method, path, security } of operations) {
          const block = operationBlock(page, method, path);
          expect(await block.count(), `${method} ${path}`).toBe(1);
          const hasLock = (await block.locator('.authorization__btn').count()) > 0;
          expect(hasLock, `the lock of ${method} ${path}`).toBe((security ?? []).length > 0);
          if (hasLock) locked.push(`${method} ${path}`);
        }
        // The public operations a newcomer tries first carry no lock; the account ones do.
        for (const [method, path] of [
          ['post', '/users'],
          ['post', '/sessions'],
          ['get', '/'],
          ['get', '/healthz'],
        ])
          expect(locked, `${method} ${path}`).not.toContain(`${method} ${path}`);
        expect(locked).toEqual(expect.arrayContaining(['get /sessions', 'delete /sessions', 'get /users/{id}']));
        await screenshot(page, 'docs-desktop');

        // Try it out: GET /healthz, answered by the running server, shown in the page.
        const healthz = operationBlock(page, 'get', '/healthz');
        await healthz.locator('.opblock-summary-control').click();
        await healthz.getByRole('button', { name: 'Try it out' }).click();
        await healthz.getByRole('button', { name: 'Execute' }).click();
        const status = healthz.locator('.live-responses-table .response .response-col_status');
        await status.waitFor({ state: 'visible' });
        expect((await status.textContent())?.trim()).toBe('200');
        expect(
          await healthz.locator('.live-responses-table tr.response .response-col_description').textContent(),
        ).toContain('"status": "ok"');

        expect(violations).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );
});
