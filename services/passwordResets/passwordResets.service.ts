import { invalidInput } from '../../libraries/errors';
import type { Redis } from '../../libraries/redis';
import { hasTextFields, LinkGrants } from '../mail/mail.grants';
import type { MailJobOf, MailOutbox } from '../mail/mail.jobs';
import type { MailLinks } from '../mail/mail.links';
import { passwordResetMail } from '../mail/mail.templates';
import { digestOf, linkToken } from '../mail/mail.tokens';
import type { Composed } from '../mail/mail.worker';
import type { UsersService } from '../users/users.service';

/** How long a reset link works, from the moment its mail is sent. */
export const passwordResetTtlMs = 30 * 60_000;

/** What a reset token grants. */
interface ResetGrant {
  userId: string;
  /** SHA-256 of the password hash when the link was sent: a password changed since voids the link. */
  password: string;
}

/** 422 `reset_token_invalid`: the same answer for a malformed, unknown, used or expired token. */
const invalidResetToken = () =>
  invalidInput('token: this reset link is invalid, already used or expired; ask for a new one.', 'reset_token_invalid');

export interface PasswordResetsDependencies {
  users: Pick<UsersService, 'getByEmail' | 'getById' | 'resetPassword'>;
  redis: Pick<Redis, 'set' | 'take'>;
  outbox: MailOutbox;
  links: Pick<MailLinks, 'link'>;
  /** The secret the link tokens are derived with (`app_key`). */
  secret: string;
}

/**
 * A forgotten password: a request queues a mail whatever the email (the worker finds out whether
 * an account has it, so the answer tells nothing and takes the same time); the mailed link's
 * token, single-use and valid 30 minutes, sets a new password and ends every session.
 */
export class PasswordResets {
  /** The reset tokens in Redis (`passwordReset:<sha256>`). */
  readonly grants: LinkGrants<ResetGrant>;

  constructor(private readonly dependencies: PasswordResetsDependencies) {
    this.grants = new LinkGrants(dependencies.redis, 'passwordReset', passwordResetTtlMs, (value) =>
      hasTextFields(value, ['userId', 'password']),
    );
  }

  /**
   * Queues the reset mail of `email`, whether an account has it or not.
   * @throws HttpError 503 when the mail queue is unavailable
   */
  async request(email: string): Promise<void> {
    await this.dependencies.outbox.post({ kind: 'passwordReset', email });
  }

  /** The mail of a queued request, when it is sent: nothing for an unknown email; else a fresh link, stored hashed. */
  async compose(job: MailJobOf<'passwordReset'>, jobId: string): Promise<Composed> {
    const { users, links, secret } = this.dependencies;
    const user = await users.getByEmail(job.email);
    if (!user) return { skipped: 'no account has this email' };
    const token = linkToken(secret, jobId);
    await this.grants.store(token, { userId: user.id, password: digestOf(user.password) });
    const link = links.link('reset-password', token);
    return { to: user.email, ...passwordResetMail(link, passwordResetTtlMs / 60_000) };
  }

  /**
   * Sets a new password with a mailed token, which is spent; every session of the user ends.
   * @throws HttpError 422 `reset_token_invalid` for a malformed, unknown, used or expired token, or
   * one sent before the password last changed; 503 when Redis or DynamoDB is unavailable (the token
   * then stays usable)
   */
  async confirm(token: string, newPassword: string): Promise<void> {
    const done = await this.grants.spend(token, async (grant) => {
      const user = await this.dependencies.users.getById(grant.userId);
      if (!user || digestOf(user.password) !== grant.password) return false;
      await this.dependencies.users.resetPassword(user, newPassword);
      return true;
    });
    if (!done) throw invalidResetToken();
  }
}
