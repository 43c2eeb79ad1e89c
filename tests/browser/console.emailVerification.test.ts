import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkIn, tokenIn, verificationSubject } from '../harness/mail';
import { newUser, signUp } from '../harness/users';
import {
  consoleUnderTest,
  desktop,
  logIn,
  pathOf,
  screenshot,
  visibleText,
  watchPageProblems,
  mailCatcherUnderTest,
} from './chromium';

describe('email verification in the console, in chromium', () => {
  const mails = mailCatcherUnderTest();
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  // One resend per user and window, so the second is refused with 429.
  const ui = consoleUnderTest(
    () => ({ smtp_url: mails.current().url, rate_limit_email_verification: 1 }),
    'console-email-verification',
  );
  beforeEach(async () => {
    context = await ui.browser.newContext(desktop);
    page = await context.newPage();
    problems = watchPageProblems(page);
  });
  afterEach(async () => {
    await context.close();
  });

  it('shows a new account as not verified, sends the link again (a second time too soon is a sentence), and verifies it from the link', async () => {
    const credentials = newUser();
    await page.goto(`${ui.base}/console/`);
    const register = page.getByRole('form', { name: 'Create an account' });
    await register.getByLabel('Email').fill(credentials.email);
    await register.getByLabel('Username').fill(credentials.username);
    await register.getByLabel('Password').fill(credentials.password);
    await register.getByRole('button', { name: 'Create account' }).click();
    expect(await visibleText(page, '#email-unverified')).toBe('Not verified');
    expect(await page.locator('#email-verified').isHidden()).toBe(true);
    await mails.current().waitForMail(credentials.email, verificationSubject);
    console.log('screenshot:', await screenshot(page, 'account-not-verified', { directory: ui.shots }));

    await page.getByRole('button', { name: 'Send the link again' }).click();
    expect(await visibleText(page, '#resend-notice')).toBe(
      `A new link is on its way to ${credentials.email}. It works for a day.`,
    );
    const mail = await mails.current().waitForMail(credentials.email, verificationSubject, 2);
    await page.getByRole('button', { name: 'Send the link again' }).click();
    expect(await visibleText(page, '#resend-error')).toBe(
      'Several links were sent a moment ago; wait a few minutes before asking again.',
    );
    expect(await page.locator('#resend-notice').isHidden()).toBe(true);

    const link = linkIn(mail, 'verify-email');
    expect(`${link.origin}${link.pathname}`).toBe(`${ui.server.server.url}/console/verify-email`);
    // On the origin the console was opened at (the mail says localhost), where its session is kept.
    const onThisOrigin = `${ui.base}${link.pathname}${link.search}`;
    await page.goto(onThisOrigin);
    expect(await visibleText(page, '#verify-notice')).toBe(`Your email is verified: ${credentials.email}.`);
    expect(pathOf(page)).toBe('/console/verify-email');
    expect(await page.locator('#profile-panel').isHidden()).toBe(true);
    console.log('screenshot:', await screenshot(page, 'verify-email', { directory: ui.shots }));

    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await visibleText(page, '#email-verified')).toBe('Email verified');
    expect(await page.locator('#email-unverified').isHidden()).toBe(true);
    expect(await page.getByRole('button', { name: 'Send the link again' }).isHidden()).toBe(true);
    expect(pathOf(page)).toBe('/console/');

    // The same link again: spent.
    await page.goto(onThisOrigin);
    expect(await visibleText(page, '#verify-error')).toBe(
      'This link is used, expired, or was sent to an address the account no longer has. Log in to send a new one.',
    );
    console.log('screenshot:', await screenshot(page, 'verify-email-used-link', { directory: ui.shots }));
    expect(problems).toEqual([]);
  });

  it('verifies from the link without a session, then offers the log-in form', async () => {
    const { credentials } = await signUp(ui.server.client());
    const token = tokenIn(await mails.current().waitForMail(credentials.email, verificationSubject), 'verify-email');
    await page.goto(`${ui.base}/console/verify-email?token=${encodeURIComponent(token)}`);
    expect(await visibleText(page, '#verify-notice')).toBe(`Your email is verified: ${credentials.email}.`);
    expect(pathOf(page)).toBe('/console/verify-email');
    await page.getByRole('button', { name: 'Continue' }).click();
    await logIn(page, credentials.email, credentials.password);
    expect(await visibleText(page, '#email-verified')).toBe('Email verified');

    // A malformed token and none at all: sentences, not the server's words.
    await page.goto(`${ui.base}/console/verify-email?token=${'x'.repeat(300)}`);
    expect(await visibleText(page, '#verify-error')).toMatch(/^This link is used, expired/);
    await page.goto(`${ui.base}/console/verify-email`);
    expect(await visibleText(page, '#verify-error')).toMatch(/open the link from the mail again/);
    expect(problems).toEqual([]);
  });

  it('says a resend for an email verified meanwhile elsewhere as a sentence, and shows it verified', async () => {
    const { credentials } = await signUp(ui.server.client());
    const mail = await mails.current().waitForMail(credentials.email, verificationSubject);
    await page.goto(`${ui.base}/console/`);
    // The socket reconnects as the user after the login, and the console then reads the user again.
    const readAgain = page.waitForResponse(
      (response) => new URL(response.url()).pathname === '/sessions' && response.request().method() === 'GET',
    );
    await logIn(page, credentials.email, credentials.password);
    await readAgain;
    expect(await visibleText(page, '#email-unverified')).toBe('Not verified');
    await ui.server.client().emailVerifications.confirm(tokenIn(mail, 'verify-email'));

    await page.getByRole('button', { name: 'Send the link again' }).click();
    expect(await visibleText(page, '#resend-error')).toBe('Your email is verified already.');
    expect(await visibleText(page, '#email-verified')).toBe('Email verified');
    expect(problems).toEqual([]);
  });
});
