/** The pages of the front end that mailed links open. */
export type LinkPage = 'reset-password' | 'verify-email';

/**
 * Builds the links of the mails: `<app_url>/<page>?token=…`. Without `app_url`, the server's own
 * web console (`<server URL>/console`), known once the server listens.
 */
export class MailLinks {
  private base: string | undefined;

  constructor(appUrl: string | undefined) {
    this.base = appUrl?.replace(/\/+$/, '');
  }

  /** Points the links at the console of the server listening at `serverUrl`, unless `app_url` is set. */
  useServerUrl(serverUrl: string): void {
    this.base ??= `${serverUrl}/console`;
  }

  /**
   * The link to `page` with `token`.
   * @throws Error before `useServerUrl` when `app_url` is not set (a programming error)
   */
  link(page: LinkPage, token: string): string {
    if (this.base === undefined) throw new Error('MailLinks: no app_url and no server URL yet.');
    return `${this.base}/${page}?token=${encodeURIComponent(token)}`;
  }
}
