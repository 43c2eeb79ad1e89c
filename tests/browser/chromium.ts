import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { MailCatcher } from '../harness/mail';
import { startTestServer, type TestServer } from '../harness/testServer';

/** Flags for Debian's chromium in a container: headless, no sandbox, no calls home. */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where screenshots go, for a person to look at. */
export const screenshotsDir = fileURLToPath(new URL('../../storage/screenshots/', import.meta.url));

/** A fresh folder under the system's temporary folder for one test file's screenshots; kept for a person to look at. */
export function screenshotsTmpDir(name: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `node-jobs-${name}-`));
}

/**
 * The system's chromium (`which chromium`); the tests never download a browser.
 * @throws Error saying how to install it when it is not on the PATH
 */
export function chromiumPath(): string {
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('chromium is not on the PATH. Install it (Debian/Ubuntu: apt-get install chromium); .ci/run does.');
  }
}

/** Launches the system's chromium through playwright-core. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
}

/**
 * Saves a screenshot under `storage/screenshots/` (or `options.directory`) and returns its path:
 * the whole page (from the top, so the sticky bar sits where it belongs), or only what is on
 * screen now.
 */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean; directory?: string } = {},
): Promise<string> {
  const directory = options.directory ?? screenshotsDir;
  await mkdir(directory, { recursive: true });
  const path = join(directory, `${name}.png`);
  const fullPage = options.fullPage ?? true;
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage, animations: 'disabled' });
  return path;
}

/** Problems the page reported: uncaught exceptions and console errors (failed loads aside). */
export function watchPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    // A profile picture that was never uploaded is a 404 by design; the page shows initials.
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text()))
      problems.push(`console: ${message.text()}`);
  });
  return problems;
}

/** A PNG drawn by the browser itself (a gradient with a circle), as a file to upload. */
export async function drawPng(page: Page, size = 160): Promise<Buffer> {
  const dataUrl = await page.evaluate((side) => {
    const canvas = document.createElement('canvas');
    canvas.width = side;
    canvas.height = side;
    const context = canvas.getContext('2d')!;
    const gradient = context.createLinearGradient(0, 0, side, side);
    gradient.addColorStop(0, '#f97316');
    gradient.addColorStop(1, '#7c3aed');
    context.fillStyle = gradient;
    context.fillRect(0, 0, side, side);
    context.fillStyle = '#ffffff';
    context.beginPath();
    context.arc(side / 2, side * 0.42, side * 0.18, 0, Math.PI * 2);
    context.fill();
    context.beginPath();
    context.arc(side / 2, side * 1.02, side * 0.38, 0, Math.PI * 2);
    context.fill();
    return canvas.toDataURL('image/png');
  }, size);
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}

/** A desktop browser window. */
export const desktop = { viewport: { width: 1280, height: 900 } };
/** A phone: 390 px wide, touch, a retina screen. */
export const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** The trimmed text of the element `selector` names, once it is visible. */
export async function visibleText(page: Page, selector: string): Promise<string> {
  const element = page.locator(selector);
  await element.waitFor({ state: 'visible' });
  return (await element.textContent())?.trim() ?? '';
}

/** Logs in through the console's log-in form; resolves once the profile shows. */
export async function logIn(page: Page, email: string, password: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Log in' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Log in' }).click();
  await page.locator('#profile-panel').waitFor({ state: 'visible' });
}

/** The address in the address bar, without its origin: the query would hold the token. */
export function pathOf(page: Page): string {
  const url = new URL(page.url());
  return `${url.pathname}${url.search}`;
}

/** A test server and a chromium for the tests of one `describe`. */
export interface ConsoleUnderTest {
  readonly server: TestServer;
  readonly browser: Browser;
  /** The server's address as the console is opened at (`http://127.0.0.1:<port>`). */
  readonly base: string;
  /** The folder of this describe's screenshots (when it asked for one). */
  readonly shots: string;
}

/**
 * Starts a test server with `settings` (read when the `describe` starts, so they may name what an
 * earlier `beforeAll` started) and a chromium before the tests of the current `describe`, and stops
 * both after them.
 * @param screenshots the name of a temporary folder for the screenshots, printed
 */
export function consoleUnderTest(
  settings: () => Record<string, unknown> = () => ({}),
  screenshots?: string,
): ConsoleUnderTest {
  const started: { server?: TestServer; browser?: Browser; shots?: string } = {};
  beforeAll(async () => {
    [started.server, started.browser, started.shots] = await Promise.all([
      // No random job timer: the pages under test wait for nothing it sends.
      startTestServer({ random_job_interval_ms: 3_600_000, ...settings() }),
      launchChromium(),
      screenshots ? screenshotsTmpDir(screenshots) : Promise.resolve(''),
    ]);
    if (screenshots) console.log(`screenshots (${screenshots}) in`, started.shots);
  });
  afterAll(async () => {
    await started.browser?.close();
    await started.server?.stop();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('consoleUnderTest: used before its beforeAll ran.');
    return value;
  };
  return {
    get server() {
      return ready(started.server);
    },
    get browser() {
      return ready(started.browser);
    },
    get base() {
      return `http://127.0.0.1:${ready(started.server).server.port}`;
    },
    get shots() {
      return ready(started.shots);
    },
  };
}

/**
 * A new desktop page of `ui`'s chromium on the console, logged in with `email` and `password`, and
 * the problems its page reports (see `watchPageProblems`). The caller closes `context`.
 */
export async function consoleLoggedIn(
  ui: ConsoleUnderTest,
  email: string,
  password: string,
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await ui.browser.newContext(desktop);
  try {
    const page = await context.newPage();
    const problems = watchPageProblems(page);
    await page.goto(`${ui.base}/console/`);
    await logIn(page, email, password);
    return { context, page, problems };
  } catch (error) {
    await context.close();
    throw error;
  }
}

/**
 * A mail catcher (`smtp-server`) started before the tests of the current `describe` and stopped
 * after them; read `current()` once they run.
 */
export function mailCatcherUnderTest(): { current(): MailCatcher } {
  let smtp: MailCatcher | undefined;
  beforeAll(async () => {
    smtp = await MailCatcher.start();
  });
  afterAll(async () => {
    await smtp?.stop();
  });
  return {
    current() {
      if (!smtp) throw new Error('mailCatcherUnderTest: used before its beforeAll ran.');
      return smtp;
    },
  };
}
