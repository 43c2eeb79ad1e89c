import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { goodPassword, signUp } from '../harness/users';
import { consoleUnderTest, phone, screenshot, visibleText, watchPageProblems } from './chromium';

/** The top of an element on the page, in CSS pixels. */
async function top(page: Page, selector: string): Promise<number> {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} is not shown.`);
  return box.y;
}

describe('the console on a phone (390 px) in chromium', () => {
  const ui = consoleUnderTest();

  it('puts the job search above the account forms and the live feed', { timeout: 120_000 }, async () => {
    const context = await ui.browser.newContext(phone);
    const page = await context.newPage();
    const problems = watchPageProblems(page);
    try {
      await page.goto(`${ui.base}/console/`);
      await page.locator('#search-form').waitFor({ state: 'visible' });
      const searchTop = await top(page, '#search-form');
      console.log(
        `console at 390 px: search form at y=${searchTop}, log-in form at y=${await top(page, '#login-form')}, live feed at y=${await top(page, '#feed-heading')}`,
      );
      expect(searchTop).toBeLessThan(await top(page, '#login-form'));
      expect(searchTop).toBeLessThan(await top(page, '#register-form'));
      expect(searchTop).toBeLessThan(await top(page, '#feed-heading'));
      expect(searchTop).toBeLessThan(844);

      await page.getByRole('search').getByLabel('Location').fill('Berlin');
      await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
      await page.locator('#search-list li').first().waitFor({ state: 'visible' });
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      console.log(
        `console at 390 px after a search: ${height} px tall; first result at y=${await top(page, '#search-list li')}`,
      );
      expect(await top(page, '#search-list li')).toBeLessThan(await top(page, '#login-form'));
      console.log(`screenshot: ${await screenshot(page, 'console-phone-search-first')}`);
      await page.evaluate(() => window.scrollTo(0, 0));
      console.log(`screenshot: ${await screenshot(page, 'console-phone-first-screen', { fullPage: false })}`);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('says the password rule in bytes, a wrong current password as a sentence, and shows one notice at a time', async () => {
    const { credentials } = await signUp(ui.server.client());
    const context = await ui.browser.newContext(phone);
    const page = await context.newPage();
    try {
      await page.goto(`${ui.base}/console/`);
      expect(await visibleText(page, '#register-password-hint')).toMatch(/8 to 72 bytes/);

      const login = page.getByRole('form', { name: 'Log in' });
      await login.getByLabel('Email').fill(credentials.email);
      await login.getByLabel('Password').fill(goodPassword);
      await login.getByRole('button', { name: 'Log in' }).click();
      await page.locator('#profile-panel').waitFor({ state: 'visible' });
      expect(await visibleText(page, '#password-new-hint')).toMatch(/8 to 72 bytes/);

      const form = page.getByRole('form', { name: 'Change password' });
      await form.getByLabel('Current password').fill('not my password');
      await form.getByLabel('New password').fill('a brand new passphrase');
      await form.getByRole('button', { name: 'Change password' }).click();
      expect(await visibleText(page, '#password-error')).toBe('Your current password is wrong.');
      expect(await form.getByLabel('Current password').getAttribute('aria-invalid')).toBe('true');

      await form.getByLabel('Current password').fill(goodPassword);
      await form.getByLabel('New password').fill('a brand new passphrase');
      await form.getByRole('button', { name: 'Change password' }).click();
      expect(await visibleText(page, '#password-notice')).toBe('Password changed. Your other devices are logged out.');

      // The next success replaces the last one instead of piling up under it.
      await page.getByRole('button', { name: 'End sessions on other devices' }).click();
      expect(await visibleText(page, '#account-notice')).toBe('Your other devices are logged out.');
      expect(await page.locator('#password-notice').isHidden()).toBe(true);
      expect(await page.locator('.notice:visible').count()).toBe(1);
    } finally {
      await context.close();
    }
  });
});
