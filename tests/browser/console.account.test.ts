import { describe, expect, it } from 'vitest';
import { goodPassword, newUser, signUp } from '../harness/users';
import { consoleUnderTest, desktop, screenshot, visibleText, consoleLoggedIn } from './chromium';

const newPassword = 'a brand new passphrase';

describe('the console account panel in chromium', () => {
  const ui = consoleUnderTest();

  it('says every invalid field of a 422 beside the registration form, each named by its label and marked', async () => {
    const context = await ui.browser.newContext(desktop);
    const page = await context.newPage();
    try {
      await page.goto(`${ui.base}/console/`);
      const register = page.getByRole('form', { name: 'Create an account' });
      await register.getByLabel('Email').fill('not an address');
      await register.getByLabel('Username').fill('ab');
      await register.getByLabel('Password').fill('short');
      await register.getByRole('button', { name: 'Create account' }).click();
      const lines = (await visibleText(page, '#register-error')).split('\n');
      expect(lines).toHaveLength(3);
      expect(lines.map((line) => line.split(' ')[0]).sort()).toEqual(['Email', 'Password', 'Username']);
      expect(lines).toContain('Username must be 5 to 25 characters long.');
      for (const label of ['Email', 'Username', 'Password'])
        expect(await register.getByLabel(label).getAttribute('aria-invalid')).toBe('true');
      console.log('screenshot:', await screenshot(page, 'console-register-invalid-fields'));

      // Corrected fields are no longer marked at the next answer.
      await register.getByLabel('Email').fill(newUser().email);
      await register.getByLabel('Password').fill(goodPassword);
      await register.getByRole('button', { name: 'Create account' }).click();
      expect(await visibleText(page, '#register-error')).toBe('Username must be 5 to 25 characters long.');
      expect(await register.getByLabel('Email').getAttribute('aria-invalid')).toBeNull();
    } finally {
      await context.close();
    }
  });

  it(
    'changes the password, ends the other sessions, and deletes the account after a confirmation naming it',
    { timeout: 120_000 },
    async () => {
      const other = ui.server.client();
      const { user, credentials } = await signUp(other);
      const { context, page, problems } = await consoleLoggedIn(ui, credentials.email, goodPassword);
      try {
        const form = page.getByRole('form', { name: 'Change password' });

        // A wrong current password: the server's 403 (invalid_credentials), as a sentence next to the form.
        await form.getByLabel('Current password').fill('not my password');
        await form.getByLabel('New password').fill(newPassword);
        await form.getByRole('button', { name: 'Change password' }).click();
        expect(await visibleText(page, '#password-error')).toBe('Your current password is wrong.');

        await form.getByLabel('Current password').fill(goodPassword);
        await form.getByLabel('New password').fill(newPassword);
        await form.getByRole('button', { name: 'Change password' }).click();
        expect(await visibleText(page, '#password-notice')).toBe(
          'Password changed. Your other devices are logged out.',
        );
        await expect(other.sessions.current()).rejects.toMatchObject({ status: 403 });
        // The console kept its session with the fresh token.
        await page.reload();
        await page.locator('#profile-panel').waitFor({ state: 'visible' });
        await screenshot(page, 'console-desktop-account');

        // Another device logs in; "end sessions on other devices" refuses it, this page stays in.
        const device = ui.server.client();
        await device.sessions.login({ email: credentials.email, password: newPassword });
        await page.getByRole('button', { name: 'End sessions on other devices' }).click();
        expect(await visibleText(page, '#account-notice')).toBe('Your other devices are logged out.');
        await expect(device.sessions.current()).rejects.toMatchObject({ status: 403 });

        // Deleting asks first, naming the account; keeping it changes nothing.
        await page.getByRole('button', { name: 'Delete account…' }).click();
        const dialog = page.getByRole('dialog', { name: 'Delete account' });
        await dialog.waitFor({ state: 'visible' });
        expect(await dialog.textContent()).toContain(`${credentials.username} (${credentials.email})`);
        await screenshot(page, 'console-desktop-delete-confirmation', { fullPage: false });
        await dialog.getByRole('button', { name: 'Keep my account' }).click();
        await dialog.waitFor({ state: 'hidden' });
        expect(
          (await ui.server.client().sessions.login({ email: credentials.email, password: newPassword })).data.id,
        ).toBe(user.id);

        await page.getByRole('button', { name: 'Delete account…' }).click();
        await dialog.getByRole('button', { name: `Delete ${credentials.username}` }).click();
        expect(await visibleText(page, '#auth-notice')).toBe(`The account ${credentials.username} is deleted.`);
        await expect(
          ui.server.client().sessions.login({ email: credentials.email, password: newPassword }),
        ).rejects.toMatchObject({ status: 401 });
        await expect(ui.server.client().users.create(credentials)).resolves.toMatchObject({ email: credentials.email });
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );
});
