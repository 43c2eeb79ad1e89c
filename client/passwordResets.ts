import type { AxiosInstance } from 'axios';
import type { MessageBody, PasswordResetConfirmation, PasswordResetRequest } from './types';

/** A forgotten password over `/password-resets`: a link by mail, then a new password with its token. */
export interface PasswordResetsApi {
  /**
   * Asks for a reset link for `email`. The answer is the same whether an account has this email
   * or not; when one has, a mail with `<app_url>/reset-password?token=…` goes out (valid 30 minutes).
   * @throws ApiError 422 for a malformed email; 429 when asking too often from this address or for this email
   */
  request(email: string): Promise<MessageBody>;
  /**
   * Sets a new password with the `token` of the mailed link. Every session of the user ends (its
   * tokens are refused, its sockets disconnected); log in again with the new password.
   * @throws ApiError 422 with code `reset_token_invalid` for a malformed, unknown, used or expired token, `validation_failed` for an invalid `newPassword`
   */
  confirm(token: string, newPassword: string): Promise<MessageBody>;
}

/** @internal use `client.passwordResets` */
export function createPasswordResetsApi(http: AxiosInstance): PasswordResetsApi {
  return {
    async request(email) {
      return (await http.post<MessageBody>('/password-resets', { email } satisfies PasswordResetRequest)).data;
    },
    async confirm(token, newPassword) {
      const body: PasswordResetConfirmation = { token, newPassword };
      return (await http.post<MessageBody>('/password-resets/confirm', body)).data;
    },
  };
}
