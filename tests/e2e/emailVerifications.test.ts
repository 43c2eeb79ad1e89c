import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, statusOf } from '../harness/failure';
import { MailCatcher, linkIn, mailQueueSettled, tokenIn, verificationSubject } from '../harness/mail';
import { startTestServer, type TestServer } from '../harness/testServer';
import { newUser, signUp } from '../harness/users';

let smtp: MailCatcher;
let server: TestServer;
beforeAll(async () => {
  smtp = await MailCatcher.start();
  server = await startTestServer({
    smtp_url: smtp.url,
    app_url: 'http://localhost:5173',
    rate_limit_email_verification: 2,
  });
});
afterAll(async () => {
  await server?.stop();
  await smtp?.stop();
});

/** The token of the `count`-th verification mail to `email`. */
async function verificationToken(email: string, count = 1): Promise<string> {
  return tokenIn(await smtp.waitForMail(email, verificationSubject, count), 'verify-email');
}

describe('email verification at registration', () => {
  it('registers the user unverified and mails a link to <app_url>/verify-email', async () => {
    const { user, credentials } = await signUp(server.client());
    expect(user.emailVerified).toBe(false);
    const mail = await smtp.waitForMail(credentials.email, verificationSubject);
    const link = linkIn(mail, 'verify-email');
    expect(link.origin + link.pathname).toBe('http://localhost:5173/verify-email');
    expect(mail.text).toContain(credentials.email);
  });

  it('verifies the email with the token: 200 { data } with emailVerified true, also on later reads', async () => {
    const client = server.client();
    const { user, credentials } = await signUp(client);
    const verified = await server.client().emailVerifications.confirm(await verificationToken(credentials.email));
    expect(verified).toEqual({ ...user, emailVerified: true });
    expect(await client.sessions.current()).toMatchObject({ emailVerified: true });
    expect(await client.users.get(user.id)).toMatchObject({ emailVerified: true });
  });

  it('refuses a token a second time, and malformed or unknown ones, with 422 verification_token_invalid', async () => {
    const { credentials } = await signUp(server.client());
    const token = await verificationToken(credentials.email);
    await server.client().emailVerifications.confirm(token);
    for (const bad of [token, 'nope', 'B'.repeat(43)])
      expect(await failure(server.client().emailVerifications.confirm(bad)), bad).toMatchObject({
        status: 422,
        code: 'verification_token_invalid',
      });
    for (const body of [{}, { token: 7 }, { token: 'x', more: 1 }])
      expect(await statusOf(server.client(), 'POST', '/email-verifications', body)).toBe(422);
  });
});

describe('email verification at a change of email', () => {
  it('sets emailVerified false, mails the new address, and a link for the old address verifies nothing', async () => {
    const client = server.client();
    const { user, credentials } = await signUp(client);
    const oldToken = await verificationToken(credentials.email);
    // Verified first, so the change visibly takes it back.
    const first = newUser().email;
    await client.users.update(user.id, { email: first });
    await server.client().emailVerifications.confirm(await verificationToken(first));
    expect(await client.sessions.current()).toMatchObject({ email: first, emailVerified: true });

    const second = newUser().email;
    expect(await client.users.update(user.id, { email: second })).toMatchObject({
      email: second,
      emailVerified: false,
    });
    const newToken = await verificationToken(second);
    // The unused link of the registration address is bound to that address.
    expect(await failure(server.client().emailVerifications.confirm(oldToken))).toMatchObject({
      status: 422,
      code: 'verification_token_invalid',
    });
    expect(await client.sessions.current()).toMatchObject({ emailVerified: false });
    expect(await server.client().emailVerifications.confirm(newToken)).toMatchObject({
      email: second,
      emailVerified: true,
    });
  });

  it('keeps the email verified and mails nothing when only the username or the letter case changes', async () => {
    const client = server.client();
    const { user, credentials } = await signUp(client);
    await server.client().emailVerifications.confirm(await verificationToken(credentials.email));
    await client.users.update(user.id, { username: newUser().username });
    expect(await client.users.update(user.id, { email: credentials.email.toUpperCase() })).toMatchObject({
      emailVerified: true,
    });
    await mailQueueSettled(server.server);
    expect(smtp.mailsTo(credentials.email)).toHaveLength(1);
  });
});

describe('POST /email-verifications/resend', () => {
  it('mails a new link (202) that verifies, and answers 409 email_already_verified afterwards', async () => {
    const client = server.client();
    const { credentials } = await signUp(client);
    await verificationToken(credentials.email);
    expect((await client.emailVerifications.resend()).message).toMatch(/on its way/);
    const second = await verificationToken(credentials.email, 2);
    await server.client().emailVerifications.confirm(second);
    expect(await failure(client.emailVerifications.resend())).toMatchObject({
      status: 409,
      code: 'email_already_verified',
    });
  });

  it('needs a token, and is limited per user (429 past rate_limit_email_verification)', async () => {
    expect((await failure(server.client().emailVerifications.resend())).status).toBe(401);
    const client = server.client();
    await signUp(client);
    await client.emailVerifications.resend();
    await client.emailVerifications.resend();
    expect(await failure(client.emailVerifications.resend())).toMatchObject({ status: 429, code: 'rate_limited' });
    // Another user has a count of its own.
    const other = server.client();
    await signUp(other);
    await other.emailVerifications.resend();
  });
});

describe('a server without smtp_url', () => {
  it('registers users (201, unverified), answers password resets with 202, and refuses resend with 503', async () => {
    const quiet = await startTestServer();
    try {
      const client = quiet.client();
      const { user } = await signUp(client);
      expect(user.emailVerified).toBe(false);
      expect(await statusOf(client, 'POST', '/password-resets', { email: newUser().email })).toBe(202);
      expect(await failure(client.emailVerifications.resend())).toMatchObject({ status: 503 });
    } finally {
      await quiet.stop();
    }
  });
});
