import { HttpError, invalidInput } from '../../libraries/errors';
import type { Redis } from '../../libraries/redis';
import type { StoredUser } from '../../models/users';
import { hasTextFields, LinkGrants } from '../mail/mail.grants';
import type { MailJobOf } from '../mail/mail.jobs';
import type { MailLinks } from '../mail/mail.links';
import { emailVerificationMail } from '../mail/mail.templates';
import { linkToken } from '../mail/mail.tokens';
import type { Composed } from '../mail/mail.worker';
import { uniqueKey } from '../users/users.claims';
import type { UsersService } from '../users/users.service';
import type { EmailVerificationMails } from './emailVerifications.mails';

/** How long a verification link works, from the moment its mail is sent. */
export const emailVerificationTtlMs = 24 * 3600_000;

/** What a verification token grants: this user, this address. */
interface VerificationGrant {
  userId: string;
  /** The address the link was mailed to: only it is verified by the link. */
  email: string;
}

/** 422 `verification_token_invalid`: alike for a malformed, unknown, used or expired token, or one for an old address. */
const invalidVerificationToken = () =>
  invalidInput(
    'token: this verification link is invalid, already used, expired, or for an address the account no longer has.',
    'verification_token_invalid',
  );

/** 409 `email_already_verified`. */
const alreadyVerified = () =>
  new HttpError(409, 'The email is verified already.', {}, { code: 'email_already_verified' });

/** The same address, as uniqueness counts it (case and look-alikes aside). */
const sameAddress = (a: string, b: string) => uniqueKey('email', a) === uniqueKey('email', b);

export interface EmailVerificationsDependencies {
  users: Pick<UsersService, 'getById' | 'markEmailVerified'>;
  redis: Pick<Redis, 'set' | 'take'>;
  mails: Pick<EmailVerificationMails, 'send'>;
  links: Pick<MailLinks, 'link'>;
  /** The secret the link tokens are derived with (`app_key`). */
  secret: string;
}

/**
 * Email verification: a link mailed to each new email, whose token (single-use, valid 24 hours)
 * is bound to the user and to that address, so a link for an old address verifies no new one.
 */
export class EmailVerifications {
  /** The verification tokens in Redis (`emailVerification:<sha256>`). */
  readonly grants: LinkGrants<VerificationGrant>;

  constructor(private readonly dependencies: EmailVerificationsDependencies) {
    this.grants = new LinkGrants(dependencies.redis, 'emailVerification', emailVerificationTtlMs, (value) =>
      hasTextFields(value, ['userId', 'email']),
    );
  }

  /** The mail of a queued verification, when it is sent: a fresh link, stored hashed; nothing when it became pointless. */
  async compose(job: MailJobOf<'emailVerification'>, jobId: string): Promise<Composed> {
    const { users, links, secret } = this.dependencies;
    const user = await users.getById(job.userId);
    if (!user) return { skipped: 'the user no longer exists' };
    if (!sameAddress(user.email, job.email)) return { skipped: 'the user changed its email since' };
    if (user.emailVerified) return { skipped: 'the email is verified already' };
    const token = linkToken(secret, jobId);
    await this.grants.store(token, { userId: user.id, email: job.email });
    const link = links.link('verify-email', token);
    return { to: job.email, ...emailVerificationMail(link, job.email, emailVerificationTtlMs / 3600_000) };
  }

  /**
   * Verifies the email a token was mailed to, when the user still has it; the token is spent.
   * @returns the user, `emailVerified` true
   * @throws HttpError 422 `verification_token_invalid`; 503 when Redis or DynamoDB is unavailable (the token then stays usable)
   */
  async confirm(token: string): Promise<StoredUser> {
    const verified = await this.grants.spend(token, async (grant) => {
      const user = await this.dependencies.users.getById(grant.userId);
      if (!user || !sameAddress(user.email, grant.email)) return undefined;
      return this.dependencies.users.markEmailVerified(user);
    });
    if (!verified) throw invalidVerificationToken();
    return verified;
  }

  /**
   * Mails a new verification link to the user's email.
   * @throws HttpError 409 `email_already_verified`; 503 when the queue is unavailable
   */
  async resend(user: StoredUser): Promise<void> {
    if (user.emailVerified) throw alreadyVerified();
    await this.dependencies.mails.send(user);
  }
}
