import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkIn, resetSubject } from '../harness/mail';
import { goodPassword, newUser, signUp } from '../harness/users';
import {
  consoleUnderTest,
  desktop,
  logIn,
  pathOf,
  phone,
  screenshot,
  visibleText,
  watchPageProblems,
  mailCatcherUnderTest,
} from './chromium';

const newPassword = 'a brand new passphrase';
const neutralNotice = 'If an account exists for this address, a link is on its way. It works for 30 minutes.';

/** Asks for a reset link from the console's "Forgot your password?" form. */
async function askForLink(page: Page, email: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Reset your password' });
  await form.getByLabel('Email').fill(email);
  await form.getByRole('button', { name: 'Send the link' }).click();
  expect(await visibleText(page, '#forgot-notice')).toBe(neutralNotice);
}

async function setNewPassword(page: Page, password: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Choose a new password' });
  await form.getByLabel('New password').fill(password);
  await form.getByRole('button', { name: 'Set the new password' }).click();
  await page.waitForFunction(() => !document.querySelector('#reset-form[aria-busy]'));
}

describe('a forgotten password in the console, in chromium', () => {
  const mails = mailCatcherUnderTest();
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  // No app_url: the mailed links open this server's console.
  const ui = consoleUnderTest(() => ({ smtp_url: mails.current().url }), 'console-password-reset');
  beforeEach(async () => {
    context = await ui.browser.newContext(desktop);
    page = await context.newPage();
    problems = watchPageProblems(page);
  });
  afterEach(async () => {
    await context.close();
  });

  it('asks for a link from beside the log-in form and says the same neutral sentence for any address', async () => {
    const { credentials } = await signUp(ui.server.client());
    await page.goto(`${ui.base}/console/`);
    await page.getByRole('form', { name: 'Log in' }).getByLabel('Email').fill(credentials.email);
    await page.getByRole('button', { name: 'Forgot your password?' }).click();
    const form = page.getByRole('form', { name: 'Reset your password' });
    await form.waitFor({ state: 'visible' });
    expect(await page.locator('#login-form').isHidden()).toBe(true);
    // The address typed for logging in comes along.
    expect(await form.getByLabel('Email').inputValue()).toBe(credentials.email);

    await askForLink(page, credentials.email);
    const mail = await mails.current().waitForMail(credentials.email, resetSubject);
    console.log('screenshot:', await screenshot(page, 'forgot-password', { directory: ui.shots }));

    // An address nobody has: the same sentence, and no mail.
    const stranger = newUser().email;
    await askForLink(page, stranger);
    expect(mails.current().mailsTo(stranger)).toEqual([]);
    expect(linkIn(mail, 'reset-password').pathname).toBe('/console/reset-password');

    // A malformed address: the server's 422, said beside the form, the field marked.
    await form.getByLabel('Email').fill('not an address');
    await form.getByRole('button', { name: 'Send the link' }).click();
    expect(await visibleText(page, '#forgot-error')).toMatch(/^Email /);
    expect(await form.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#forgot-notice').isHidden()).toBe(true);

    await form.getByRole('button', { name: 'Back to log in' }).click();
    await page.locator('#login-form').waitFor({ state: 'visible' });
    expect(problems).toEqual([]);
  });

  it('sets a new password from the mailed link, takes the token out of the address bar, and shows the log-in form', async () => {
    const { credentials } = await signUp(ui.server.client());
    const otherDevice = ui.server.client();
    await otherDevice.sessions.login({ email: credentials.email, password: goodPassword });
    await ui.server.client().passwordResets.request(credentials.email);
    const link = linkIn(await mails.current().waitForMail(credentials.email, resetSubject), 'reset-password');
    expect(`${link.origin}${link.pathname}`).toBe(`${ui.server.server.url}/console/reset-password`);

    await page.goto(link.href);
    const form = page.getByRole('form', { name: 'Choose a new password' });
    await form.waitFor({ state: 'visible' });
    expect(pathOf(page)).toBe('/console/reset-password');
    expect(await page.locator('#auth-panel').isHidden()).toBe(true);
    console.log('screenshot:', await screenshot(page, 'reset-password', { directory: ui.shots }));

    // Too short: the 422's field, named by its label and marked, beside the form.
    await setNewPassword(page, 'short');
    expect(await visibleText(page, '#reset-error')).toMatch(/^New password .*8/);
    expect(await form.getByLabel('New password').getAttribute('aria-invalid')).toBe('true');
    console.log('screenshot:', await screenshot(page, 'reset-password-invalid-field', { directory: ui.shots }));

    await setNewPassword(page, newPassword);
    expect(await visibleText(page, '#auth-notice')).toBe(
      'Your password is changed, and every device is logged out. Log in with your new password.',
    );
    await page.locator('#login-form').waitFor({ state: 'visible' });
    expect(await page.locator('#reset-panel').isHidden()).toBe(true);
    expect(pathOf(page)).toBe('/console/');
    console.log('screenshot:', await screenshot(page, 'reset-password-done', { directory: ui.shots }));

    await expect(otherDevice.sessions.current()).rejects.toMatchObject({ status: 403 });
    await expect(
      ui.server.client().sessions.login({ email: credentials.email, password: goodPassword }),
    ).rejects.toMatchObject({ status: 401 });
    await logIn(page, credentials.email, newPassword);
    expect(problems).toEqual([]);
  });

  it('says a used link is dead and offers to ask for a new one', async () => {
    const { credentials } = await signUp(ui.server.client());
    await ui.server.client().passwordResets.request(credentials.email);
    const link = linkIn(await mails.current().waitForMail(credentials.email, resetSubject), 'reset-password');
    await ui.server.client().passwordResets.confirm(link.searchParams.get('token')!, newPassword);

    await page.goto(link.href);
    await setNewPassword(page, 'another new passphrase');
    expect(await visibleText(page, '#reset-expired-text')).toBe(
      'This link is used, expired (it works for 30 minutes) or unknown. Ask for a new one.',
    );
    expect(await page.locator('#reset-form').isHidden()).toBe(true);
    console.log('screenshot:', await screenshot(page, 'reset-password-used-link', { directory: ui.shots }));

    await page.getByRole('button', { name: 'Ask for a new link' }).click();
    await page.getByRole('form', { name: 'Reset your password' }).waitFor({ state: 'visible' });
    expect(pathOf(page)).toBe('/console/');
    await askForLink(page, credentials.email);
    await mails.current().waitForMail(credentials.email, resetSubject, 2);

    // A reset page without a token (opened again after the token left the address bar).
    await page.goto(`${ui.base}/console/reset-password`);
    expect(await visibleText(page, '#reset-expired-text')).toMatch(/open the link from the mail again/);
    expect(problems).toEqual([]);
  });

  it('puts the new-password form first on a phone, without sideways scrolling', async () => {
    const { credentials } = await signUp(ui.server.client());
    await ui.server.client().passwordResets.request(credentials.email);
    const link = linkIn(await mails.current().waitForMail(credentials.email, resetSubject), 'reset-password');
    const mobileContext = await ui.browser.newContext(phone);
    try {
      const mobile = await mobileContext.newPage();
      await mobile.goto(link.href);
      await mobile.getByRole('form', { name: 'Choose a new password' }).waitFor({ state: 'visible' });
      const formTop = (await mobile.locator('#reset-form').boundingBox())!.y;
      expect(formTop).toBeLessThan((await mobile.locator('#search-form').boundingBox())!.y);
      expect(formTop).toBeLessThan(844);
      expect(await mobile.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(
        0,
      );
      console.log(
        'screenshot:',
        await screenshot(mobile, 'reset-password-phone', { directory: ui.shots, fullPage: false }),
      );
    } finally {
      await mobileContext.close();
    }
  });
});
