import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { goodPassword, signUp } from '../harness/users';
import { consoleUnderTest, logIn, phone, screenshot, visibleText, consoleLoggedIn } from './chromium';

/** The listed sessions once there are `count` of them. */
async function sessionsListed(page: Page, count: number): Promise<Locator> {
  await page.waitForFunction((n) => document.querySelectorAll('#sessions-list > li').length === n, count);
  return page.locator('#sessions-list > li');
}

describe('the sessions list of the console, in chromium', () => {
  const ui = consoleUnderTest(undefined, 'console-sessions');

  it('lists where the user is logged in, ends another session, and logs out when ending its own', async () => {
    const otherDevice = ui.server.client();
    const { user, credentials } = await signUp(otherDevice);
    const { context, page, problems } = await consoleLoggedIn(ui, credentials.email, goodPassword);
    try {
      // This device first, marked; the other device (the SDK in node) with its program's name.
      let items = await sessionsListed(page, 2);
      const mine = items.first();
      expect(await mine.getAttribute('data-current')).toBe('');
      expect(await mine.locator('.session-device').textContent()).toMatch(/^Headless Chrome on Linux\s*This device$/);
      expect(await mine.locator('.session-meta').textContent()).toMatch(/^127\.0\.0\.1 · logged in .+ · last used .+$/);
      const other = items.nth(1);
      expect(await other.getAttribute('data-current')).toBeNull();
      expect(await other.locator('.session-device').textContent()).toMatch(/^axios\//);
      expect(await visibleText(page, '#sessions-status')).toBe('2 devices are logged in.');
      console.log('screenshot:', await screenshot(page, 'sessions-list', { directory: ui.shots }));

      await other.getByRole('button', { name: 'End this session' }).click();
      expect(await visibleText(page, '#sessions-notice')).toMatch(
        /^The session of axios\/[\d.]+ \(127\.0\.0\.1\) is ended\.$/,
      );
      items = await sessionsListed(page, 1);
      expect(await visibleText(page, '#sessions-status')).toBe('Only this device is logged in.');
      await expect(otherDevice.sessions.current()).rejects.toMatchObject({ status: 403 });

      // A login elsewhere shows after a refresh; "End sessions on other devices" refreshes the list itself.
      const thirdDevice = ui.server.client();
      await thirdDevice.sessions.login({ email: credentials.email, password: goodPassword });
      await page.getByRole('button', { name: 'Refresh' }).first().click();
      await sessionsListed(page, 2);
      await page.getByRole('button', { name: 'End sessions on other devices' }).click();
      items = await sessionsListed(page, 1);
      await expect(thirdDevice.sessions.current()).rejects.toMatchObject({ status: 403 });

      // Ending this device's session logs the console out; the account's other sessions stay.
      const fourthDevice = ui.server.client();
      await fourthDevice.sessions.login({ email: credentials.email, password: goodPassword });
      await page.getByRole('button', { name: 'Refresh' }).first().click();
      items = await sessionsListed(page, 2);
      await items.first().getByRole('button', { name: 'End this session' }).click();
      expect(await visibleText(page, '#auth-notice')).toBe('You ended the session of this device: you are logged out.');
      expect(await page.locator('#profile-panel').isHidden()).toBe(true);
      expect(await page.evaluate(() => localStorage.getItem('node-jobs.console.token'))).toBeNull();
      expect((await fourthDevice.sessions.current()).id).toBe(user.id);
      await page.reload();
      await page.locator('#login-form').waitFor({ state: 'visible' });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('fits the list on a phone without sideways scrolling', async () => {
    const { credentials } = await signUp(ui.server.client());
    const context = await ui.browser.newContext(phone);
    try {
      const page = await context.newPage();
      await page.goto(`${ui.base}/console/`);
      await page.locator('#login-form').evaluate((form) => form.scrollIntoView());
      console.log('screenshot:', await screenshot(page, 'log-in-phone', { directory: ui.shots, fullPage: false }));
      await logIn(page, credentials.email, goodPassword);
      await sessionsListed(page, 2);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(
        0,
      );
      await page.locator('#sessions-section').evaluate((section) => section.scrollIntoView());
      console.log(
        'screenshot:',
        await screenshot(page, 'sessions-list-phone', { directory: ui.shots, fullPage: false }),
      );
    } finally {
      await context.close();
    }
  });
});
