import { escapeHtml } from '../../http/html';

/** The content of a mail, in plain text and HTML. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

/** A mail ready to send: its content and its recipient. */
export interface AddressedMail extends MailContent {
  to: string;
}

/** A short HTML page around paragraphs and one button-like link. */
function htmlMail(paragraphs: string[], link: string, action: string): string {
  const body = paragraphs.map((text) => `<p>${escapeHtml(text)}</p>`).join('\n');
  return `<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.5">
${body}
<p><a href="${escapeHtml(link)}">${escapeHtml(action)}</a></p>
<p style="color: #666">Or open this address: ${escapeHtml(link)}</p>
</body></html>`;
}

/** The mail with a link to choose a new password. */
export function passwordResetMail(link: string, validMinutes: number): MailContent {
  const intro = 'Someone (we hope you) asked to reset the password of your node-jobs account.';
  const validity = `The link works once, for ${validMinutes} minutes. If you did not ask, ignore this mail: your password stays as it is.`;
  return {
    subject: 'Reset your node-jobs password',
    text: `${intro}\n\nChoose a new password here:\n${link}\n\n${validity}\n`,
    html: htmlMail([intro, validity], link, 'Choose a new password'),
  };
}

/** The mail with a link to verify an email address. */
export function emailVerificationMail(link: string, email: string, validHours: number): MailContent {
  const intro = `Please confirm that ${email} is your address for your node-jobs account.`;
  const validity = `The link works once, for ${validHours} hours. If you did not sign up or change your email, ignore this mail.`;
  return {
    subject: 'Verify your email for node-jobs',
    text: `${intro}\n\nConfirm it here:\n${link}\n\n${validity}\n`,
    html: htmlMail([intro, validity], link, 'Verify my email'),
  };
}
