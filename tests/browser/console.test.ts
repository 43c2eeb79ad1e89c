import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../client';
import { makeAdminThroughCli } from '../harness/cli';
import { startUpstream, type Upstream } from '../harness/upstream';
import { startTestServer, type TestServer } from '../harness/testServer';
import { newUser } from '../harness/users';
import { desktop, drawPng, launchChromium, logIn, phone, screenshot, visibleText, watchPageProblems } from './chromium';

/** The text of an element, waiting for it to be visible first. */
async function search(page: Page, query: { description?: string; location?: string }): Promise<string> {
  const form = page.getByRole('search');
  await form.getByLabel('Keywords').fill(query.description ?? '');
  await form.getByLabel('Location').fill(query.location ?? '');
  const before = await page.locator('#search-summary').textContent();
  await form.getByRole('button', { name: 'Search' }).click();
  await page.waitForFunction((previous) => {
    const summary = document.querySelector('#search-summary')?.textContent;
    return summary !== previous && !document.querySelector('#search-form[aria-busy]');
  }, before);
  return (await page.locator('#search-summary').textContent()) ?? '';
}

/** Nothing is wider than the screen: no sideways scrolling on a phone. */
async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** Every form control has a label a screen reader announces. */
async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('input, select, textarea'))
      .filter((control) => (control as HTMLInputElement).labels?.length === 0 && !control.getAttribute('aria-label'))
      .map((control) => control.id || control.outerHTML),
  );
}

describe('the web console in chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let base: string;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ random_job_interval_ms: 300 }), launchChromium()]);
    // 127.0.0.1, not localhost: the server listens on IPv4 only.
    base = `http://127.0.0.1:${server.server.port}`;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lets a visitor register, log out and in, watch random jobs, ask for a job by location, search, and upload a picture', async () => {
    const context = await browser.newContext(desktop);
    const page = await context.newPage();
    const problems = watchPageProblems(page);
    try {
      await page.goto(`${base}/console`);
      expect(page.url()).toBe(`${base}/console/`);
      expect(await page.title()).toBe('node-jobs console');
      expect(await unlabelledControls(page)).toEqual([]);

      // Random jobs stream in over the socket.
      await page.locator('#connection[data-state="live"]').waitFor();
      await page.locator('#feed-list li').nth(1).waitFor();
      expect(await page.locator('#feed-list .job-title').first().textContent()).not.toBe('');
      await screenshot(page, 'console-desktop-signed-out');

      // A server-side validation error appears next to the form that caused it.
      const credentials = newUser();
      const register = page.getByRole('form', { name: 'Create an account' });
      await register.getByLabel('Email').fill(credentials.email);
      await register.getByLabel('Username').fill('ab');
      await register.getByLabel('Password').fill(credentials.password);
      await register.getByRole('button', { name: 'Create account' }).click();
      expect(await visibleText(page, '#register-form #register-error')).toBe(
        'Username must be 5 to 25 characters long.',
      );
      expect(await register.getByLabel('Username').getAttribute('aria-invalid')).toBe('true');

      await register.getByLabel('Username').fill(credentials.username);
      await register.getByRole('button', { name: 'Create account' }).click();
      expect(await visibleText(page, '#profile-username')).toBe(credentials.username);
      expect(await visibleText(page, '#profile-email')).toBe(credentials.email);
      expect(await page.locator('#auth-panel').isHidden()).toBe(true);
      expect(await page.locator('#stats-panel').isHidden()).toBe(true);

      await page.getByRole('button', { name: 'Log out' }).click();
      expect(await visibleText(page, '#auth-notice')).toBe('You are logged out.');

      // The same email again: the server's 422, beside the registration form.
      await register.getByLabel('Email').fill(credentials.email.toUpperCase());
      await register.getByLabel('Username').fill(newUser().username);
      await register.getByLabel('Password').fill(credentials.password);
      await register.getByRole('button', { name: 'Create account' }).click();
      expect(await visibleText(page, '#register-form #register-error')).toBe('Email is already taken.');

      // A wrong password: the server's 401, beside the login form.
      const login = page.getByRole('form', { name: 'Log in' });
      await login.getByLabel('Email').fill(credentials.email);
      await login.getByLabel('Password').fill('not the password');
      await login.getByRole('button', { name: 'Log in' }).click();
      expect(await visibleText(page, '#login-form #login-error')).toBe('The email or the password is wrong.');
      await logIn(page, credentials.email, credentials.password);
      expect(await page.locator('#login-error').isHidden()).toBe(true);
      expect(await visibleText(page, '#chip-name')).toBe(credentials.username);

      // A job for a location, over the socket (jobRequest).
      const locationForm = page.locator('#location-form');
      await locationForm.getByLabel('Location').fill('Berlin');
      await locationForm.getByRole('button', { name: 'Get a job' }).click();
      expect(await visibleText(page, '#location-result .job-location')).toBe('Berlin');
      await locationForm.getByLabel('Location').fill('Atlantis');
      await locationForm.getByRole('button', { name: 'Get a job' }).click();
      expect(await visibleText(page, '#location-result .empty')).toBe(
        'No job found in Atlantis. Try a nearby city or Remote.',
      );

      // The search form over GET /, paged ten at a time.
      const expected = await server.client().jobs.search({ location: 'Berlin' });
      expect(expected.length).toBeGreaterThan(10);
      expect(await search(page, { location: 'Berlin' })).toBe(`${expected.length} jobs in Berlin.`);
      expect(await page.locator('#search-list > li').count()).toBe(10);
      const locations = await page.locator('#search-list .job-location').allTextContents();
      expect(locations.every((location) => /berlin/i.test(location))).toBe(true);
      await page.getByRole('button', { name: /^Show \d+ more/ }).click();
      expect(await page.locator('#search-list > li').count()).toBe(Math.min(20, expected.length));
      expect(await search(page, { description: 'no such job anywhere' })).toBe(
        'No jobs matching “no such job anywhere”. Try fewer keywords or another location.',
      );
      expect(await search(page, { description: 'node', location: 'Berlin' })).toMatch(
        /^\d+ jobs? matching “node” in Berlin\.$/,
      );
      await page.locator('#search-list .job-details summary').first().click();

      // A profile picture: previewed, uploaded straight to S3, then shown from there.
      await page
        .getByLabel('Profile picture')
        .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') });
      expect(await visibleText(page, '#picture-form #picture-error')).toBe('Choose a PNG, JPEG, GIF or WebP picture.');
      expect(await page.getByRole('button', { name: 'Upload picture' }).isDisabled()).toBe(true);
      const picture = await drawPng(page);
      await page
        .getByLabel('Profile picture')
        .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: picture });
      await page.locator('#picture-preview').waitFor({ state: 'visible' });
      expect(
        await page
          .locator('#picture-preview-image')
          .evaluate((image: HTMLImageElement) => image.src.startsWith('blob:')),
      ).toBe(true);
      await page.waitForFunction(
        () => (document.querySelector('#picture-preview-image') as HTMLImageElement).naturalWidth > 0,
      );
      await page.getByRole('button', { name: 'Upload picture' }).click();
      expect(await visibleText(page, '#picture-notice')).toBe('Your new picture is saved.');
      expect(await page.getByRole('button', { name: 'Upload picture' }).isDisabled()).toBe(true);
      expect(await page.locator('#picture-preview').isHidden()).toBe(true);
      await page.locator('#profile-avatar').waitFor({ state: 'visible' });
      const shown = await page
        .locator('#profile-avatar')
        .evaluate((image: HTMLImageElement) => ({ src: image.src, width: image.naturalWidth }));
      expect(shown.width).toBe(160);
      const me = await page.evaluate(() => localStorage.getItem('node-jobs.console.token'));
      const sdk = server.client();
      sdk.storage.set(me!);
      const { image } = await sdk.sessions.current();
      // The API's URL of the picture, which the page's SDK made absolute against the page's origin.
      expect(shown.src.startsWith(`${base}${new URL(image).pathname}?v=`)).toBe(true);
      const stored = await fetch(image);
      expect(stored.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await stored.arrayBuffer())).toEqual(picture);
      expect(await page.locator('#chip-avatar').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(160);

      // A reload keeps the session (the token is in localStorage).
      await page.reload();
      expect(await visibleText(page, '#profile-username')).toBe(credentials.username);
      await page.locator('#profile-avatar').waitFor({ state: 'visible' });
      await page.locator('#feed-list li').nth(2).waitFor();
      await search(page, { description: 'engineer', location: 'Berlin' });
      await page.locator('#search-list .job-details summary').first().click();
      await screenshot(page, 'console-desktop');

      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 300_000);

  it('shows an admin made through the CLI statistics that update live, on a desktop and on a phone', async () => {
    const credentials = newUser();
    await server.client().users.create(credentials);
    await makeAdminThroughCli(server, credentials.email);

    const contexts: BrowserContext[] = [];
    try {
      const desktopContext = await browser.newContext(desktop);
      contexts.push(desktopContext);
      const page = await desktopContext.newPage();
      const problems = watchPageProblems(page);
      await page.goto(`${base}/console/`);
      await logIn(page, credentials.email, credentials.password);
      expect(await visibleText(page, '#profile-admin')).toBe('Admin');
      await page.locator('#stats-panel').waitFor({ state: 'visible' });

      // The statistics are the length of data_file, and a new search pushes fresh ones unasked.
      const saved = async () =>
        (JSON.parse(await readFile(server.config.data_file, 'utf8').catch(() => '[]')) as Job[]).length;
      await page.waitForFunction(
        (count) => document.querySelector<HTMLOutputElement>('#stats-jobs')?.dataset.value === String(count),
        await saved(),
      );
      const summary = await search(page, { location: 'Remote' });
      const remote = Number(/^(\d+)/.exec(summary)?.[1]);
      expect(remote).toBe(await saved());
      await page.waitForFunction(
        (count) => document.querySelector<HTMLOutputElement>('#stats-jobs')?.dataset.value === String(count),
        remote,
      );
      // …also when someone else searches.
      const all = await server.client().jobs.search();
      await page.waitForFunction(
        (count) => document.querySelector<HTMLOutputElement>('#stats-jobs')?.dataset.value === String(count),
        all.length,
      );
      expect(await page.locator('#stats-jobs').textContent()).toBe(String(all.length));
      // Figures of the whole service: this page's socket is an admin's, on the one process.
      const figure = async (name: string) => Number(await page.locator(`#stats-${name}`).getAttribute('data-value'));
      expect(await figure('processes')).toBe(1);
      expect(await figure('sockets')).toBeGreaterThanOrEqual(1);
      expect(await figure('admins')).toBeGreaterThanOrEqual(1);
      expect(await figure('users')).toBeGreaterThanOrEqual(await figure('admins'));
      await page.locator('#feed-list li').nth(3).waitFor();
      await search(page, { description: 'developer', location: 'Remote' });
      await screenshot(page, 'console-desktop-admin');
      expect(problems).toEqual([]);

      // The same console at phone width: one column, nothing wider than the screen.
      const phoneContext = await browser.newContext(phone);
      contexts.push(phoneContext);
      const mobile = await phoneContext.newPage();
      const mobileProblems = watchPageProblems(mobile);
      await mobile.goto(`${base}/console/`);
      await mobile.locator('#feed-list li').nth(1).waitFor();
      expect(await horizontalOverflow(mobile)).toBeLessThanOrEqual(0);
      await screenshot(mobile, 'console-phone-signed-out');
      await logIn(mobile, credentials.email, credentials.password);
      await mobile.locator('#stats-panel').waitFor({ state: 'visible' });
      await mobile.waitForFunction(
        () => document.querySelector<HTMLOutputElement>('#stats-jobs')?.dataset.value !== undefined,
      );
      await mobile.evaluate(() => window.scrollTo(0, 0));
      await screenshot(mobile, 'console-phone', { fullPage: false });
      await search(mobile, { location: 'Berlin' });
      await mobile.locator('#search-list .job-details summary').first().click();
      expect(await horizontalOverflow(mobile)).toBeLessThanOrEqual(0);
      const side = await mobile.locator('.area-side').boundingBox();
      const account = await mobile.locator('#profile-panel').boundingBox();
      expect(side!.x).toBe(account!.x); // stacked, not side by side
      await mobile.locator('#search-heading').evaluate((heading) => heading.scrollIntoView());
      await screenshot(mobile, 'console-phone-search', { fullPage: false });
      expect(mobileProblems).toEqual([]);
    } finally {
      await Promise.all(contexts.map((context) => context.close()));
    }
  }, 300_000);
});

describe('job board HTML in the console', () => {
  const hostile = {
    id: 'hostile-1',
    type: 'Full Time',
    url: 'javascript:window.__pwned = "url"',
    created_at: '2026-11-20T10:00:00Z',
    company: '<img src=x onerror="window.__pwned = \'company\'">Evil Corp',
    company_url: 'https://evil.example.com',
    location: 'Berlin',
    title: '<script>window.__pwned = "title"</script>Senior <b>Engineer</b>',
    description:
      '<p>We build <strong>safe</strong> things.</p><img src=x onerror="window.__pwned = \'img\'"><script>window.__pwned = "script"</script>' +
      '<iframe src="javascript:parent.__pwned = \'iframe\'"></iframe><p style="position:fixed;inset:0" onclick="window.__pwned = \'click\'">Apply <a href="javascript:window.__pwned = \'link\'">here</a> or <a href="https://evil.example.com/jobs" onmouseover="window.__pwned = \'hover\'">there</a>.</p><ul><li>one</li><li>two</li></ul>',
    how_to_apply: '<a href="mailto:jobs@evil.example.com">Mail us</a><svg onload="window.__pwned = \'svg\'"></svg>',
    company_logo: null,
  };
  let upstream: Upstream;
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    upstream = await startUpstream();
    upstream.fault({ body: JSON.stringify([hostile]) });
    [server, browser] = await Promise.all([
      startTestServer({
        jobs_provider: 'github',
        jobs_api_url: `${upstream.url}/github/positions.json`,
        random_job_interval_ms: 300,
      }),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await upstream?.close();
  });

  it('renders descriptions sanitized and every other field as text, in search results and the live list', async () => {
    const context = await browser.newContext(desktop);
    const page = await context.newPage();
    try {
      await page.goto(`http://127.0.0.1:${server.server.port}/console/`);
      await page.locator('#feed-list li').first().waitFor();
      await search(page, { location: 'Berlin' });
      const card = page.locator('#search-list .job').first();
      await card.locator('summary').click();
      await card.locator('.rich a').first().hover();
      await card
        .locator('.rich p')
        .nth(1)
        .click({ position: { x: 2, y: 2 } });

      expect(await card.locator('.job-title').textContent()).toBe(
        '<script>window.__pwned = "title"</script>Senior <b>Engineer</b>',
      );
      expect(await card.locator('.job-company').textContent()).toBe(
        '<img src=x onerror="window.__pwned = \'company\'">Evil Corp',
      );
      expect(await card.locator('.job-title a').count()).toBe(0); // a javascript: URL is not a link
      expect(await card.locator('.rich strong').textContent()).toBe('safe');
      expect(await card.locator('.rich li').allTextContents()).toEqual(['one', 'two']);
      const links = await card
        .locator('a')
        .evaluateAll((anchors) => anchors.map((a) => [a.getAttribute('href'), a.getAttribute('rel')]));
      expect(links).toEqual([
        ['https://evil.example.com/jobs', 'noopener noreferrer nofollow ugc'],
        ['mailto:jobs@evil.example.com', 'noopener noreferrer nofollow ugc'],
        ['https://evil.example.com/', 'noopener noreferrer nofollow ugc'],
      ]);
      expect(
        await page
          .locator(
            '.job img, .job script, .job iframe, .job svg, .job [style]:not(.monogram), .job [onclick], .job [onmouseover]',
          )
          .count(),
      ).toBe(0);
      expect(await page.locator('#feed-list .job-title').first().textContent()).toContain('<script>');
      expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    } finally {
      await context.close();
    }
  });
});
