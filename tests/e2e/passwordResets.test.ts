import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../devtools/localStack';
import { failure, statusOf } from '../harness/failure';
import { MailCatcher, linkIn, mailQueueSettled, resetSubject, tokenIn, verificationSubject } from '../harness/mail';
import { startTestServer, type TestServer } from '../harness/testServer';
import { goodPassword, newUser, signUp } from '../harness/users';

const newPassword = 'a fresh passphrase';
const appUrl = 'https://jobs-app.example/';

let smtp: MailCatcher;
let server: TestServer;
beforeAll(async () => {
  smtp = await MailCatcher.start();
  server = await startTestServer({ smtp_url: smtp.url, app_url: appUrl });
});
afterAll(async () => {
  await server?.stop();
  await smtp?.stop();
});

/** A registered user with a reset mail received: its token. */
async function resetToken(email: string, count = 1): Promise<string> {
  await server.client().passwordResets.request(email);
  return tokenIn(await smtp.waitForMail(email, resetSubject, count), 'reset-password');
}

describe('POST /password-resets', () => {
  it('mails a link to <app_url>/reset-password with a token, and answers 202', async () => {
    const { credentials } = await signUp(server.client());
    expect(await statusOf(server.client(), 'POST', '/password-resets', { email: credentials.email })).toBe(202);
    const mail = await smtp.waitForMail(credentials.email, resetSubject);
    const link = linkIn(mail, 'reset-password');
    expect(link.origin + link.pathname).toBe('https://jobs-app.example/reset-password');
    expect(link.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mail.html).toContain(link.searchParams.get('token'));
    expect(mail.from).toBe('no-reply@localhost');
  });

  it('answers the same body for an unknown email and mails nothing', async () => {
    const { credentials } = await signUp(server.client());
    const known = await server.client().passwordResets.request(credentials.email);
    const stranger = newUser().email;
    const unknown = await server.client().passwordResets.request(stranger);
    expect(unknown).toEqual(known);
    await smtp.waitForMail(credentials.email, resetSubject);
    await mailQueueSettled(server.server);
    expect(smtp.mailsTo(stranger)).toEqual([]);
  });

  it('finds the account whatever the case of the email', async () => {
    const { credentials } = await signUp(server.client());
    await server.client().passwordResets.request(credentials.email.toUpperCase());
    await smtp.waitForMail(credentials.email, resetSubject);
  });

  it('answers 422 for a missing or malformed email', async () => {
    for (const body of [{}, { email: 'nope' }, { email: 42 }, { email: `${'a'.repeat(250)}@b.example` }]) {
      expect((await failure(server.client().passwordResets.request(body.email as string))).status).toBe(422);
    }
    expect(await statusOf(server.client(), 'POST', '/password-resets', { email: 'a@b.example', extra: 1 })).toBe(422);
  });
});

describe('POST /password-resets/confirm', () => {
  it('sets the new password and ends every session: the old password and the old tokens are refused', async () => {
    const device = server.client();
    const { user, credentials } = await signUp(device);
    const otherDevice = server.client();
    await otherDevice.sessions.login({ email: credentials.email, password: goodPassword });
    const socket = device.jobs.connect();
    await socket.connected();
    const ended = new Promise((resolve) => socket.onSessionEnd(resolve));

    const token = await resetToken(credentials.email);
    const answer = await server.client().passwordResets.confirm(token, newPassword);
    expect(answer.message).toMatch(/password is changed/);

    const refused = await failure(server.client().sessions.login({ email: credentials.email, password: goodPassword }));
    expect(refused).toMatchObject({ status: 401, code: 'invalid_credentials' });
    await server.client().sessions.login({ email: credentials.email, password: newPassword });
    expect(await failure(otherDevice.users.get(user.id))).toMatchObject({ status: 403, code: 'token_revoked' });
    // The socket is told, and the SDK drops the dead token of that device.
    await expect(ended).resolves.toEqual({ reason: 'revoked' });
    socket.close();
  });

  it('refuses a token a second time with 422 reset_token_invalid', async () => {
    const { credentials } = await signUp(server.client());
    const token = await resetToken(credentials.email);
    await server.client().passwordResets.confirm(token, newPassword);
    const again = await failure(server.client().passwordResets.confirm(token, 'yet another passphrase'));
    expect(again).toMatchObject({ status: 422, code: 'reset_token_invalid' });
    await server.client().sessions.login({ email: credentials.email, password: newPassword });
  });

  it('refuses malformed and unknown tokens with 422 reset_token_invalid, never 500', async () => {
    const tokens = ['abc', 'x'.repeat(43), 'A'.repeat(43), '../../etc/passwd', ' ', '😀'.repeat(20)];
    for (const token of tokens) {
      expect(await failure(server.client().passwordResets.confirm(token, newPassword)), token).toMatchObject({
        status: 422,
        code: 'reset_token_invalid',
      });
    }
    for (const body of [{}, { token: 42, newPassword }, { token: 'abc' }, { token: 'a'.repeat(1001), newPassword }])
      expect(await statusOf(server.client(), 'POST', '/password-resets/confirm', body), JSON.stringify(body)).toBe(422);
  });

  it('refuses an expired token (its Redis key made to expire with PEXPIRE, as 30 minutes would)', async () => {
    const { credentials } = await signUp(server.client());
    const token = await resetToken(credentials.email);
    const key = server.server.services.passwordResets.grants.keyOf(token);
    const redis = server.server.clients.redis.connection;
    expect(await redis.pttl(key)).toBeGreaterThan(29 * 60_000);
    expect(await redis.pttl(key)).toBeLessThanOrEqual(30 * 60_000);
    await redis.pexpire(key, 1);
    await waitUntil(async () => (await redis.exists(key)) === 0, 5000, 'the token to expire');
    const expired = await failure(server.client().passwordResets.confirm(token, newPassword));
    expect(expired).toMatchObject({ status: 422, code: 'reset_token_invalid' });
    await server.client().sessions.login({ email: credentials.email, password: goodPassword });
  });

  it('stores only the token’s SHA-256 in Redis, never the token (the queued job holds no link either)', async () => {
    const { credentials } = await signUp(server.client());
    const token = await resetToken(credentials.email);
    const redis = server.server.clients.redis.connection;
    const prefix = server.config.redis_key_prefix;
    const everything: string[] = [];
    for (const fullKey of await redis.keys(`${prefix}*`)) {
      const key = fullKey.slice(prefix.length);
      const type = await redis.type(key);
      if (type === 'string') everything.push(fullKey, (await redis.get(key)) ?? '');
      else if (type === 'hash') everything.push(fullKey, JSON.stringify(await redis.hgetall(key)));
      else everything.push(fullKey);
    }
    expect(everything.length).toBeGreaterThan(0);
    expect(everything.filter((text) => text.includes(token))).toEqual([]);
    expect(await redis.exists(server.server.services.passwordResets.grants.keyOf(token))).toBe(1);
  });

  it('refuses a token mailed before the password changed', async () => {
    const client = server.client();
    const { user, credentials } = await signUp(client);
    const token = await resetToken(credentials.email);
    await client.users.changePassword(user.id, { currentPassword: goodPassword, newPassword });
    const stale = await failure(server.client().passwordResets.confirm(token, 'yet another passphrase'));
    expect(stale).toMatchObject({ status: 422, code: 'reset_token_invalid' });
  });

  it('keeps the token when newPassword breaks the registration rules (422 validation_failed)', async () => {
    const { credentials } = await signUp(server.client());
    const token = await resetToken(credentials.email);
    const short = await failure(server.client().passwordResets.confirm(token, 'short'));
    expect(short).toMatchObject({ status: 422, code: 'validation_failed' });
    expect(short.message).toMatch(/newPassword/);
    await server.client().passwordResets.confirm(token, newPassword);
  });

  it('lets only one of two concurrent confirmations of one token through', async () => {
    const { credentials } = await signUp(server.client());
    const token = await resetToken(credentials.email);
    const results = await Promise.allSettled([
      server.client().passwordResets.confirm(token, 'first new passphrase'),
      server.client().passwordResets.confirm(token, 'second new passphrase'),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
  });
});

describe('password-reset rate limits', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({
      smtp_url: smtp.url,
      app_url: appUrl,
      trust_proxy: true,
      rate_limit_password_reset: 3,
      rate_limit_password_reset_email: 2,
    });
  });
  afterAll(async () => {
    await limited?.stop();
  });

  /** POST /password-resets from the client address `ip` (through X-Forwarded-For). */
  const requestFrom = (ip: string, email: string) =>
    fetch(`${limited.server.url}/password-resets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify({ email }),
    });

  it('answers 429 with Retry-After past rate_limit_password_reset_email for one email, from any address', async () => {
    const email = newUser().email;
    const statuses = [];
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) statuses.push((await requestFrom(ip, email)).status);
    expect(statuses).toEqual([202, 202, 429]);
    // Another case of the same address counts as the same email.
    const response = await requestFrom('10.0.0.4', email.toUpperCase());
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await response.json()).toMatchObject({ code: 'rate_limited' });
  });

  it('answers 429 past rate_limit_password_reset for one address, whatever the emails', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await requestFrom('10.0.1.1', newUser().email)).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    expect((await requestFrom('10.0.1.2', newUser().email)).status).toBe(202);
  });

  it('does not tell known from unknown emails in the limit either', async () => {
    const { credentials } = await signUp(limited.client());
    const known = [];
    const unknown = [];
    const stranger = newUser().email;
    for (const ip of ['10.0.2.1', '10.0.2.2', '10.0.2.3']) {
      known.push((await requestFrom(ip, credentials.email)).status);
      unknown.push((await requestFrom(ip, stranger)).status);
    }
    expect(known).toEqual(unknown);
  });
});

describe('registration mail alongside', () => {
  it('sends the verification mail and the reset mail as two mails to the same address', async () => {
    const { credentials } = await signUp(server.client());
    await resetToken(credentials.email);
    await smtp.waitForMail(credentials.email, verificationSubject);
    await mailQueueSettled(server.server);
    expect(smtp.mailsTo(credentials.email)).toHaveLength(2);
  });
});
