import type { AppLogger } from '../../libraries/appLogger';
import { messageOf, serviceUnavailable } from '../../libraries/errors';
import type { StoredUser } from '../../models/users';
import type { MailOutbox } from '../mail/mail.jobs';
import type { EmailVerificationRequests } from '../users/users.service';

/**
 * Queues verification mails: for every new email (the users service tells it), and on request.
 * It needs no user store, so the users service can be built with it.
 */
export class EmailVerificationMails implements EmailVerificationRequests {
  constructor(
    private readonly outbox: MailOutbox,
    private readonly logger: AppLogger,
  ) {}

  /** Queues the verification mail of a new email; a failure is logged, never thrown (the account change stands, the user may ask again). */
  async emailAdded(user: StoredUser): Promise<void> {
    try {
      await this.outbox.post({ kind: 'emailVerification', userId: user.id, email: user.email });
    } catch (error) {
      this.logger.error(
        `The verification mail of user ${user.id} could not be queued (the user can ask for another one)`,
        messageOf(error),
      );
    }
  }

  /**
   * Queues a verification mail on request.
   * @throws HttpError 503 when the queue is unavailable or the server sends no mail (`smtp_url` unset)
   */
  async send(user: StoredUser): Promise<void> {
    if (!this.outbox.delivers) throw serviceUnavailable('This server sends no mail (smtp_url is not set).', 3600);
    await this.outbox.post({ kind: 'emailVerification', userId: user.id, email: user.email });
  }
}
