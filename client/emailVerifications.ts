import type { AxiosInstance } from 'axios';
import type { AuthState } from './auth';
import type { TokenStorage } from './storage';
import { isSignedIn } from './users';
import type { DataEnvelope, EmailVerificationConfirmation, MessageBody, PublicUser } from './types';

/** Email verification over `/email-verifications`: the link mailed at registration and at each change of email. */
export interface EmailVerificationsApi {
  /**
   * Verifies the email with the `token` of the mailed link (no login needed).
   * @returns the user, with `emailVerified: true`
   * @throws ApiError 422 with code `verification_token_invalid` for a malformed, unknown, used or expired token, or one sent to an address the user no longer has
   */
  confirm(token: string): Promise<PublicUser>;
  /**
   * Mails a new verification link to the logged-in user's email.
   * @throws ApiError 409 with code `email_already_verified` when there is nothing to verify; 429 when asking too often
   */
  resend(): Promise<MessageBody>;
}

/** @internal use `client.emailVerifications` */
export function createEmailVerificationsApi(
  http: AxiosInstance,
  storage: TokenStorage,
  auth: AuthState,
): EmailVerificationsApi {
  return {
    async confirm(token) {
      const body: EmailVerificationConfirmation = { token };
      const user = (await http.post<DataEnvelope<PublicUser>>('/email-verifications', body)).data.data;
      if (isSignedIn(storage, user.id)) auth.update(user);
      return user;
    },
    async resend() {
      return (await http.post<MessageBody>('/email-verifications/resend')).data;
    },
  };
}
