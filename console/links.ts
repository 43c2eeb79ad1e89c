/**
 * The console's pages that mailed links open (`services/mail/mail.links.ts`):
 * `/console/reset-password?token=…` and `/console/verify-email?token=…`, served as the same page.
 */

/** A page a mailed link opens. */
export type LinkPage = 'reset-password' | 'verify-email';

/** What a mailed link brought: its page, and its token (null when the address has none). */
export interface MailedLink {
  page: LinkPage;
  token: string | null;
}

/**
 * Reads the mailed link the console was opened with, and takes its token out of the address bar
 * (and so out of the history, bookmarks and screenshots): a token is as good as a password while
 * it is valid. Null on any other page.
 */
export function takeMailedLink(): MailedLink | null {
  const page = /\/(reset-password|verify-email)$/.exec(window.location.pathname)?.[1] as LinkPage | undefined;
  if (!page) return null;
  const query = new URLSearchParams(window.location.search);
  const token = query.get('token');
  if (token !== null) {
    query.delete('token');
    const rest = query.toString();
    const address = `${window.location.pathname}${rest ? `?${rest}` : ''}${window.location.hash}`;
    window.history.replaceState(window.history.state, '', address);
  }
  return { page, token: token || null };
}

/** Leaves a mailed link's page for the console's home (`/console/`), without a reload. */
export function leaveMailedLink(): void {
  if (/\/(reset-password|verify-email)$/.test(window.location.pathname)) window.history.replaceState(null, '', './');
}
