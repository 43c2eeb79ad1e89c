/** The list of a user's sessions (logins), each with "End this session". */
import type { Session } from '../client/index';
import { el } from './dom';

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Browsers by the token their `User-Agent` names them with, the most specific first. */
const browsers: [RegExp, string][] = [
  [/Edg(A|iOS)?\//, 'Edge'],
  [/OPR\//, 'Opera'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/HeadlessChrome\//, 'Headless Chrome'],
  [/Chrome\/|CriOS\//, 'Chrome'],
  [/Version\/[\d.]+.*Safari\//, 'Safari'],
];

const systems: [RegExp, string][] = [
  [/Windows/, 'Windows'],
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/**
 * A short name for the device of a `User-Agent`: `Chrome on Linux`, or the program's own name
 * (`node`, `axios/1.7.9`) for what is not a browser.
 */
export function deviceName(userAgent: string): string {
  const agent = userAgent.trim();
  if (!agent) return 'Unknown device';
  const browser = browsers.find(([pattern]) => pattern.test(agent))?.[1];
  const system = systems.find(([pattern]) => pattern.test(agent))?.[1];
  if (browser) return system ? `${browser} on ${system}` : browser;
  return agent.split(/\s/)[0]!.slice(0, 40);
}

function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? 'unknown' : timeFormat.format(date);
}

/** One session as a list item; `end` runs when its "End this session" button is pressed. */
export function sessionItem(session: Session, end: (button: HTMLButtonElement) => void): HTMLLIElement {
  const device = deviceName(session.userAgent);
  const button = el(
    'button',
    { type: 'button', class: 'button button-quiet', 'aria-describedby': `session-${session.id}-device` },
    'End this session',
  );
  button.addEventListener('click', () => end(button));
  return el(
    'li',
    { class: 'session', 'data-session-id': session.id, 'data-current': session.current },
    el(
      'div',
      { class: 'session-text' },
      el(
        'p',
        { class: 'session-device', id: `session-${session.id}-device`, title: session.userAgent || null },
        device,
        session.current && ' ',
        session.current && el('span', { class: 'badge badge-current' }, 'This device'),
      ),
      el(
        'p',
        { class: 'session-meta muted small' },
        `${session.ip || 'Unknown address'} · logged in ${when(session.createdAt)} · last used ${when(session.lastUsedAt)}`,
      ),
    ),
    button,
  );
}
