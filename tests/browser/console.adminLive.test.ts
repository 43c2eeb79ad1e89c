import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makeAdminThroughCli } from '../harness/cli';
import { goodPassword, signUp } from '../harness/users';
import { consoleUnderTest, screenshot, consoleLoggedIn } from './chromium';

/** Whether the page shows its user as an admin: the badge and the statistics panel. */
async function shownAsAdmin(page: Page): Promise<{ badge: boolean; statistics: boolean }> {
  return {
    badge: await page.locator('#profile-admin').isVisible(),
    statistics: await page.locator('#stats-panel').isVisible(),
  };
}

describe('admin status in the console, live, in chromium', () => {
  const ui = consoleUnderTest(undefined, 'console-admin-live');

  it('shows the admin badge and filled statistics when the CLI makes the user an admin, and hides them when it stops being one, without a reload', async () => {
    const { credentials } = await signUp(ui.server.client());
    const { context, page, problems } = await consoleLoggedIn(ui, credentials.email, goodPassword);
    try {
      await page.locator('#connection[data-state="live"]').waitFor();
      expect(await shownAsAdmin(page)).toEqual({ badge: false, statistics: false });
      // Gone after a reload: its presence at the end proves the page never reloaded.
      await page.evaluate(() => ((window as { stillThisPage?: boolean }).stillThisPage = true));

      await makeAdminThroughCli(ui.server, credentials.email);
      await page.locator('#stats-panel').waitFor({ state: 'visible' });
      expect(await shownAsAdmin(page)).toEqual({ badge: true, statistics: true });
      // The console asked for the statistics at once: the panel is filled, not waiting for a push.
      await page.waitForFunction(
        () => document.querySelector<HTMLOutputElement>('#stats-processes')?.dataset.value === '1',
      );
      expect(Number(await page.locator('#stats-admins').getAttribute('data-value'))).toBeGreaterThanOrEqual(1);
      console.log('screenshot:', await screenshot(page, 'made-admin-live', { directory: ui.shots }));

      await ui.server.server.services.users.setAdmin(credentials.email, false);
      await page.locator('#stats-panel').waitFor({ state: 'hidden' });
      expect(await shownAsAdmin(page)).toEqual({ badge: false, statistics: false });
      expect(await page.locator('#stats-jobs').textContent()).toBe('–');
      console.log('screenshot:', await screenshot(page, 'admin-removed-live', { directory: ui.shots }));

      await ui.server.server.services.users.setAdmin(credentials.email, true);
      await page.locator('#profile-admin').waitFor({ state: 'visible' });
      await page.waitForFunction(
        () => document.querySelector<HTMLOutputElement>('#stats-jobs')?.dataset.value !== undefined,
      );
      expect(await page.evaluate(() => (window as { stillThisPage?: boolean }).stillThisPage)).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
