/**
 * The node-jobs web console: everything goes through the SDK (`client/`), against the server that
 * serves this page.
 */
import {
  ApiError,
  createClient,
  imageTypes,
  LocalStorageAdapter,
  MemoryStorage,
  maxImageBytes,
  type AdminChange,
  type AdminStatistics,
  type Job,
  type JobSearchQuery,
  type PublicUser,
  type Session,
  type SessionEnd,
  type TokenStorage,
} from '../client/index';
import { byId, el, fieldValue, showMessage, showNotice } from './dom';
import { buttonAction, handleSubmit } from './forms';
import { jobCard } from './jobCard';
import { leaveMailedLink, takeMailedLink } from './links';
import { refusesToken, sentenceOf, sentenceOfCode } from './messages';
import { safeUrl } from './sanitize';
import { deviceName, sessionItem } from './sessionsList';

/** The live list keeps this many jobs. */
const feedSize = 6;
/** Search results are shown this many at a time. */
const pageSize = 10;
/** Wait before reconnecting a socket the server refused although the session is valid. */
const reconnectDelayMs = 5000;

/** Keeps the session across reloads; in memory when the browser refuses Web Storage. */
function tokenStorage(): TokenStorage {
  try {
    const storage = new LocalStorageAdapter('node-jobs.console.token');
    storage.get();
    return storage;
  } catch {
    return new MemoryStorage();
  }
}

const client = createClient({ baseURL: window.location.origin, storage: tokenStorage() });
const live = client.jobs.connect();
let user: PublicUser | null = null;
/** Counts the changes of `user`: a reading of it that started before one is stale. */
let userVersion = 0;

/** Sets the signed-in user from a fresh source (a login, an answer about them); readings already under way are dropped. */
function setUser(person: PublicUser | null): void {
  userVersion++;
  user = person;
}

const ui = {
  pageError: byId('page-error', HTMLParagraphElement),
  layout: byId('main', HTMLElement),
  connection: byId('connection', HTMLParagraphElement),
  connectionText: byId('connection-text', HTMLSpanElement),
  chip: byId('account-chip', HTMLDivElement),
  chipAvatar: byId('chip-avatar', HTMLImageElement),
  chipInitials: byId('chip-initials', HTMLSpanElement),
  chipName: byId('chip-name', HTMLSpanElement),
  logout: byId('logout-button', HTMLButtonElement),

  authPanel: byId('auth-panel', HTMLElement),
  authNotice: byId('auth-notice', HTMLParagraphElement),
  authForms: byId('auth-forms', HTMLDivElement),
  registerForm: byId('register-form', HTMLFormElement),
  registerError: byId('register-error', HTMLParagraphElement),
  loginForm: byId('login-form', HTMLFormElement),
  loginError: byId('login-error', HTMLParagraphElement),
  forgotButton: byId('forgot-button', HTMLButtonElement),
  forgotForm: byId('forgot-form', HTMLFormElement),
  forgotBack: byId('forgot-back', HTMLButtonElement),
  forgotNotice: byId('forgot-notice', HTMLParagraphElement),
  forgotError: byId('forgot-error', HTMLParagraphElement),

  resetPanel: byId('reset-panel', HTMLElement),
  resetForm: byId('reset-form', HTMLFormElement),
  resetError: byId('reset-error', HTMLParagraphElement),
  resetExpired: byId('reset-expired', HTMLDivElement),
  resetExpiredText: byId('reset-expired-text', HTMLParagraphElement),
  resetAskAgain: byId('reset-ask-again', HTMLButtonElement),

  verifyPanel: byId('verify-panel', HTMLElement),
  verifyProgress: byId('verify-progress', HTMLParagraphElement),
  verifyNotice: byId('verify-notice', HTMLParagraphElement),
  verifyError: byId('verify-error', HTMLParagraphElement),
  verifyContinue: byId('verify-continue', HTMLButtonElement),

  profilePanel: byId('profile-panel', HTMLElement),
  profileAvatar: byId('profile-avatar', HTMLImageElement),
  profileInitials: byId('profile-initials', HTMLSpanElement),
  profileUsername: byId('profile-username', HTMLSpanElement),
  profileAdmin: byId('profile-admin', HTMLSpanElement),
  profileEmail: byId('profile-email', HTMLParagraphElement),
  emailVerified: byId('email-verified', HTMLSpanElement),
  emailUnverified: byId('email-unverified', HTMLSpanElement),
  resendVerification: byId('resend-verification', HTMLButtonElement),
  resendNotice: byId('resend-notice', HTMLParagraphElement),
  resendError: byId('resend-error', HTMLParagraphElement),
  pictureForm: byId('picture-form', HTMLFormElement),
  pictureInput: byId('picture-input', HTMLInputElement),
  picturePreview: byId('picture-preview', HTMLElement),
  picturePreviewImage: byId('picture-preview-image', HTMLImageElement),
  picturePreviewCaption: byId('picture-preview-caption', HTMLElement),
  pictureSubmit: byId('picture-submit', HTMLButtonElement),
  pictureNotice: byId('picture-notice', HTMLParagraphElement),
  pictureError: byId('picture-error', HTMLParagraphElement),

  searchForm: byId('search-form', HTMLFormElement),
  searchError: byId('search-error', HTMLParagraphElement),
  searchSummary: byId('search-summary', HTMLParagraphElement),
  searchList: byId('search-list', HTMLOListElement),
  searchMore: byId('search-more', HTMLButtonElement),

  statsPanel: byId('stats-panel', HTMLElement),
  statsJobs: byId('stats-jobs', HTMLOutputElement),
  statsService: {
    sockets: byId('stats-sockets', HTMLOutputElement),
    users: byId('stats-users', HTMLOutputElement),
    admins: byId('stats-admins', HTMLOutputElement),
    processes: byId('stats-processes', HTMLOutputElement),
  },
  statsUpdated: byId('stats-updated', HTMLParagraphElement),
  statsRefresh: byId('stats-refresh', HTMLButtonElement),
  statsError: byId('stats-error', HTMLParagraphElement),

  locationForm: byId('location-form', HTMLFormElement),
  locationError: byId('location-error', HTMLParagraphElement),
  locationResult: byId('location-result', HTMLDivElement),

  feedPause: byId('feed-pause', HTMLButtonElement),
  feedEmpty: byId('feed-empty', HTMLParagraphElement),
  feedList: byId('feed-list', HTMLOListElement),
};

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const numberFormat = new Intl.NumberFormat();

// ---------------------------------------------------------------- the signed-in user

function initials(name: string): string {
  return name.slice(0, 2).toUpperCase() || '?';
}

/** Shows the user's picture, or their initials while there is none (or it does not load). */
function showAvatar(image: HTMLImageElement, fallback: HTMLElement, person: PublicUser, version?: number): void {
  fallback.textContent = initials(person.username);
  const url = safeUrl(person.image);
  const showFallback = () => {
    image.hidden = true;
    fallback.hidden = false;
  };
  if (!url) return showFallback();
  image.onload = () => {
    image.hidden = false;
    fallback.hidden = true;
  };
  image.onerror = showFallback;
  const source = version === undefined ? url : `${url}${url.includes('?') ? '&' : '?'}v=${version}`;
  if (image.getAttribute('src') !== source) {
    showFallback();
    image.src = source;
  }
}

/**
 * What the account area shows: the console itself (log-in forms or the profile), the form asking
 * for a reset link, or the page of a mailed link.
 */
type View = 'home' | 'forgot' | 'reset' | 'verify';
let view: View = 'home';

function showView(next: View): void {
  view = next;
  renderUser();
}

function renderUser(version?: number): void {
  const signedIn = user !== null;
  const home = view === 'home' || view === 'forgot';
  ui.authPanel.hidden = signedIn || !home;
  ui.authForms.hidden = view === 'forgot';
  ui.forgotForm.hidden = view !== 'forgot';
  ui.profilePanel.hidden = !signedIn || !home;
  ui.resetPanel.hidden = view !== 'reset';
  ui.verifyPanel.hidden = view !== 'verify';
  ui.layout.dataset.view = view;
  ui.chip.hidden = !signedIn;
  ui.statsPanel.hidden = !user?.admin;
  if (!user?.admin) clearStatistics();
  if (!user) {
    ui.chipAvatar.removeAttribute('src');
    ui.profileAvatar.removeAttribute('src');
    return;
  }
  ui.chipName.textContent = user.username;
  ui.profileUsername.textContent = user.username;
  ui.profileEmail.textContent = user.email;
  ui.profileAdmin.hidden = !user.admin;
  ui.emailVerified.hidden = !user.emailVerified;
  ui.emailUnverified.hidden = user.emailVerified;
  ui.resendVerification.hidden = user.emailVerified;
  ui.profileAvatar.alt = `Profile picture of ${user.username}`;
  showAvatar(ui.chipAvatar, ui.chipInitials, user, version);
  showAvatar(ui.profileAvatar, ui.profileInitials, user, version);
  if (user.admin && live.socket.connected) void requestStatistics();
}

function signIn(person: PublicUser): void {
  setUser(person);
  showMessage(ui.authNotice, null);
  showMessage(ui.pageError, null);
  renderUser();
  void listSessions();
}

function signOut(notice: string | null): void {
  setUser(null);
  resetPicture();
  showMessage(ui.pictureNotice, null);
  for (const slot of [ui.resendNotice, ui.resendError]) showMessage(slot, null);
  clearSessions();
  renderUser();
  if (notice) showNotice(ui.authNotice, notice);
  else showMessage(ui.authNotice, null);
}

/** A stored token the server refuses (expired, revoked) ends the session. */
function sessionEnded(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 401 || error.status === 403 || error.status === 404);
}

async function restoreSession(): Promise<void> {
  if (!client.storage.get()) return;
  try {
    signIn(await client.sessions.current());
  } catch (error) {
    if (sessionEnded(error)) {
      client.storage.clear();
      signOut('Your session has ended; please log in again.');
    } else showMessage(ui.pageError, `Your session could not be checked: ${sentenceOf(error)}`);
  }
}

handleSubmit(ui.registerForm, ui.registerError, 'Creating account…', async () => {
  const email = fieldValue(ui.registerForm, 'email');
  const password = fieldValue(ui.registerForm, 'password', false);
  await client.users.create({ email, username: fieldValue(ui.registerForm, 'username'), password });
  const session = await client.sessions.login({ email, password });
  ui.registerForm.reset();
  signIn(session.data);
});

handleSubmit(ui.loginForm, ui.loginError, 'Logging in…', async () => {
  const session = await client.sessions.login({
    email: fieldValue(ui.loginForm, 'email'),
    password: fieldValue(ui.loginForm, 'password', false),
  });
  ui.loginForm.reset();
  signIn(session.data);
});

ui.logout.addEventListener('click', async () => {
  ui.logout.disabled = true;
  try {
    await client.sessions.logout();
    signOut('You are logged out.');
  } catch (error) {
    showMessage(ui.pageError, `Logging out failed: ${sentenceOf(error)}`);
  } finally {
    ui.logout.disabled = false;
  }
});

// ---------------------------------------------------------------- a forgotten password, and the pages of mailed links

/** Said whatever the answer, so the form tells nobody whether an account has this address. */
const resetLinkNotice = 'If an account exists for this address, a link is on its way. It works for 30 minutes.';

function showForgotForm(email = ''): void {
  showMessage(ui.forgotNotice, null);
  showMessage(ui.forgotError, null);
  const field = byId('forgot-email', HTMLInputElement);
  field.value = email;
  showMessage(ui.authNotice, null);
  leaveMailedLink();
  showView('forgot');
  field.focus();
}

ui.forgotButton.addEventListener('click', () => showForgotForm(fieldValue(ui.loginForm, 'email')));
ui.forgotBack.addEventListener('click', () => {
  showView('home');
  byId('login-email', HTMLInputElement).focus();
});

handleSubmit(ui.forgotForm, ui.forgotError, 'Sending…', async () => {
  showMessage(ui.forgotNotice, null);
  await client.passwordResets.request(fieldValue(ui.forgotForm, 'email'));
  showNotice(ui.forgotNotice, resetLinkNotice);
});

/** The token of the reset link this page was opened with. */
let resetToken: string | null = null;

/** The reset link is used, expired or unknown: say so, and offer to ask for a new one. */
function showResetLinkDead(message: string): void {
  ui.resetForm.hidden = true;
  showMessage(ui.resetExpiredText, message);
  ui.resetExpired.hidden = false;
}

function openResetPage(token: string | null): void {
  resetToken = token;
  ui.resetForm.hidden = false;
  ui.resetExpired.hidden = true;
  showView('reset');
  if (!token)
    showResetLinkDead('This address has no link token: open the link from the mail again, or ask for a new one.');
}

ui.resetAskAgain.addEventListener('click', () => showForgotForm());

handleSubmit(ui.resetForm, ui.resetError, 'Setting the password…', async () => {
  if (!resetToken) return showResetLinkDead('This address has no link token: ask for a new one.');
  try {
    await client.passwordResets.confirm(resetToken, fieldValue(ui.resetForm, 'newPassword', false));
  } catch (error) {
    if (!refusesToken(error, 'reset_token_invalid')) throw error;
    return showResetLinkDead(sentenceOfCode('reset_token_invalid')!);
  }
  resetToken = null;
  ui.resetForm.reset();
  await passwordWasReset();
});

/** The password is changed and every session of its user ended: this console's too, when it was theirs. */
async function passwordWasReset(): Promise<void> {
  const notice = 'Your password is changed, and every device is logged out. Log in with your new password.';
  leaveMailedLink();
  view = 'home';
  if (user && client.storage.get()) {
    try {
      setUser(await client.sessions.current()); // another account was logged in here: it stays
    } catch (error) {
      if (sessionEnded(error)) client.storage.clear();
      setUser(null);
    }
  }
  if (user) {
    renderUser();
    return showNotice(account.notice, notice);
  }
  signOut(notice);
  byId('login-email', HTMLInputElement).focus();
}

async function openVerifyPage(token: string | null): Promise<void> {
  showView('verify');
  ui.verifyContinue.hidden = true;
  showMessage(ui.verifyProgress, 'Checking your link…');
  try {
    if (!token) throw new Error('This address has no link token: open the link from the mail again.');
    const verified = await client.emailVerifications.confirm(token);
    if (user?.id === verified.id) {
      setUser(verified);
      renderUser();
    }
    showNotice(ui.verifyNotice, `Your email is verified: ${verified.email}.`);
  } catch (error) {
    const refused = refusesToken(error, 'verification_token_invalid');
    showMessage(ui.verifyError, refused ? sentenceOfCode('verification_token_invalid')! : sentenceOf(error));
  } finally {
    showMessage(ui.verifyProgress, null);
    ui.verifyContinue.hidden = false;
  }
}

ui.verifyContinue.addEventListener('click', () => {
  leaveMailedLink();
  showMessage(ui.verifyNotice, null);
  showMessage(ui.verifyError, null);
  showView('home');
});

ui.resendVerification.addEventListener(
  'click',
  () =>
    void buttonAction(
      ui.resendVerification,
      { notice: ui.resendNotice, error: ui.resendError },
      async () => {
        if (!user) return null;
        try {
          await client.emailVerifications.resend();
        } catch (error) {
          // Verified meanwhile (another tab, another device): show it.
          if (error instanceof ApiError && error.code === 'email_already_verified') void refreshUser();
          throw error;
        }
        return `A new link is on its way to ${user.email}. It works for a day.`;
      },
      {
        rate_limited: { message: 'Several links were sent a moment ago; wait a few minutes before asking again.' },
        service_unavailable: { message: 'The server cannot send mail just now; try again later.' },
      },
    ),
);

/**
 * Reads the signed-in user again (admin status, verified email) and shows them. In the
 * background: a failure leaves what is shown (an ended session is handled where it is noticed).
 */
async function refreshUser(): Promise<void> {
  if (!user) return;
  const version = ++userVersion;
  try {
    const fresh = await client.sessions.current();
    // Something newer came meanwhile (another reading, a verification, a login): it stays.
    if (version !== userVersion || user?.id !== fresh.id) return;
    user = fresh;
    renderUser();
  } catch {
    // Shown again at the next change, reconnection or reload.
  }
}

// ---------------------------------------------------------------- profile picture

let previewUrl: string | null = null;

function resetPicture(): void {
  if (previewUrl) URL.revokeObjectURL(previewUrl);
  previewUrl = null;
  ui.pictureForm.reset();
  ui.picturePreview.hidden = true;
  ui.picturePreviewImage.removeAttribute('src');
  ui.pictureSubmit.disabled = true;
  showMessage(ui.pictureError, null);
}

function chosenPicture(): File | undefined {
  return ui.pictureInput.files?.[0];
}

ui.pictureInput.addEventListener('change', () => {
  const file = chosenPicture();
  showMessage(ui.pictureNotice, null);
  showMessage(ui.pictureError, null);
  if (previewUrl) URL.revokeObjectURL(previewUrl);
  previewUrl = null;
  ui.picturePreview.hidden = true;
  ui.pictureSubmit.disabled = true;
  if (!file) return;
  if (!(imageTypes as readonly string[]).includes(file.type))
    return showMessage(ui.pictureError, 'Choose a PNG, JPEG, GIF or WebP picture.');
  if (file.size > maxImageBytes)
    return showMessage(
      ui.pictureError,
      `The picture is ${(file.size / 1024 / 1024).toFixed(1)} MB; at most 5 MB is accepted.`,
    );
  previewUrl = URL.createObjectURL(file);
  ui.picturePreviewImage.src = previewUrl;
  ui.picturePreviewCaption.textContent = `${file.name} · ${Math.max(1, Math.round(file.size / 1024))} kB`;
  ui.picturePreview.hidden = false;
  ui.pictureSubmit.disabled = false;
});

handleSubmit(
  ui.pictureForm,
  ui.pictureError,
  'Uploading…',
  async () => {
    const file = chosenPicture();
    if (!user || !file) throw new Error('Choose a picture first.');
    showMessage(ui.pictureNotice, null);
    const image = await client.users.uploadImage(user.id, file, file.type);
    setUser({ ...user, image });
    resetPicture();
    renderUser(Date.now());
    showNotice(ui.pictureNotice, 'Your new picture is saved.');
  },
  // Only a chosen picture can be sent.
  () => (ui.pictureSubmit.disabled = !chosenPicture()),
);

// ---------------------------------------------------------------- job search (GET /)

let results: Job[] = [];
let shown = 0;

function showMoreResults(): void {
  const next = results.slice(shown, shown + pageSize);
  ui.searchList.append(...next.map((job) => el('li', {}, jobCard(job))));
  shown += next.length;
  const left = results.length - shown;
  ui.searchMore.hidden = left <= 0;
  ui.searchMore.textContent = `Show ${Math.min(left, pageSize)} more (${numberFormat.format(left)} left)`;
}

/** `matching “node” in Berlin, full time only` — what a search asked for, for its summary. */
function describeSearch(query: JobSearchQuery): string {
  return [
    query.description ? ` matching “${query.description}”` : '',
    query.location ? ` in ${query.location}` : '',
    query.full_time ? ', full time only' : '',
  ].join('');
}

handleSubmit(ui.searchForm, ui.searchError, 'Searching…', async () => {
  const query: JobSearchQuery = {};
  const description = fieldValue(ui.searchForm, 'description');
  const location = fieldValue(ui.searchForm, 'location');
  if (description) query.description = description;
  if (location) query.location = location;
  if (byId('search-full-time', HTMLInputElement).checked) query.full_time = true;
  results = await client.jobs.search(query);
  shown = 0;
  ui.searchList.replaceChildren();
  const about = describeSearch(query);
  ui.searchSummary.textContent =
    results.length === 0
      ? `No jobs${about}. Try fewer keywords or another location.`
      : `${numberFormat.format(results.length)} ${results.length === 1 ? 'job' : 'jobs'}${about}.`;
  showMoreResults();
});

ui.searchMore.addEventListener('click', () => {
  const first = shown;
  showMoreResults();
  // Keyboard users continue at the first new result.
  ui.searchList.children[first]?.querySelector<HTMLElement>('a, summary')?.focus();
});

// ---------------------------------------------------------------- real time

function setConnection(state: 'live' | 'connecting' | 'offline', text: string): void {
  ui.connection.dataset.state = state;
  ui.connectionText.textContent = text;
}

let feedPaused = false;

ui.feedPause.addEventListener('click', () => {
  feedPaused = !feedPaused;
  ui.feedPause.setAttribute('aria-pressed', String(feedPaused));
  ui.feedPause.textContent = feedPaused ? 'Resume' : 'Pause';
});

live.onRandomJob((job) => {
  if (feedPaused) return;
  ui.feedEmpty.hidden = true;
  ui.feedList.prepend(el('li', { class: 'arrive' }, jobCard(job, { compact: true })));
  while (ui.feedList.children.length > feedSize) ui.feedList.lastElementChild?.remove();
});

handleSubmit(ui.locationForm, ui.locationError, 'Asking…', async () => {
  const location = fieldValue(ui.locationForm, 'location');
  if (!location) {
    byId('location-input', HTMLInputElement).setAttribute('aria-invalid', 'true');
    throw new Error('Enter a location, e.g. Berlin or Remote.');
  }
  ui.locationResult.replaceChildren();
  const job = await live.requestJob(location);
  ui.locationResult.replaceChildren(
    job
      ? jobCard(job, { label: `A job in ${location}` })
      : el('p', { class: 'muted empty' }, `No job found in ${location}. Try a nearby city or Remote.`),
  );
});

function showStatistics(statistics: AdminStatistics): void {
  const value = numberFormat.format(statistics.availableJobs);
  if (ui.statsJobs.value !== value) {
    ui.statsJobs.value = value;
    ui.statsJobs.classList.remove('changed');
    void ui.statsJobs.offsetWidth; // restarts the highlight animation
    ui.statsJobs.classList.add('changed');
  }
  ui.statsJobs.dataset.value = String(statistics.availableJobs);
  for (const [name, output] of Object.entries(ui.statsService)) {
    const figure = statistics[name as keyof typeof ui.statsService];
    output.value = numberFormat.format(figure);
    output.dataset.value = String(figure);
  }
  ui.statsUpdated.textContent = `Updated live at ${timeFormat.format(new Date())}.`;
  showMessage(ui.statsError, null);
}

async function requestStatistics(): Promise<void> {
  showMessage(ui.statsError, null);
  try {
    // The answer arrives through onAdminStatistics, like every push to the admins room.
    await live.requestAdminStatistics();
  } catch (error) {
    if (user?.admin) showMessage(ui.statsError, sentenceOf(error));
  }
}

/** Empties the statistics panel: nothing of an admin's view stays behind once the user is not one. */
function clearStatistics(): void {
  for (const output of [ui.statsJobs, ...Object.values(ui.statsService)]) {
    output.value = '–';
    delete output.dataset.value;
  }
  ui.statsUpdated.textContent = 'Waiting for the first update…';
  showMessage(ui.statsError, null);
}

live.onAdminStatistics((statistics) => {
  if (user?.admin) showStatistics(statistics);
});

/**
 * The user was made an admin, or stopped being one, elsewhere (the CLI, another admin): show it
 * at once, reading the user again for the rest of what may have changed.
 */
live.socket.on('adminChanged', ({ admin }: AdminChange) => {
  if (!user) return;
  setUser({ ...user, admin });
  renderUser();
  void refreshUser();
});

ui.statsRefresh.addEventListener('click', () => void requestStatistics());

// ---------------------------------------------------------------- the account: password, other devices, deletion

const account = {
  passwordForm: byId('password-form', HTMLFormElement),
  passwordNotice: byId('password-notice', HTMLParagraphElement),
  passwordError: byId('password-error', HTMLParagraphElement),
  logoutOthers: byId('logout-others-button', HTMLButtonElement),
  deleteButton: byId('delete-account-button', HTMLButtonElement),
  notice: byId('account-notice', HTMLParagraphElement),
  error: byId('account-error', HTMLParagraphElement),
  deleteDialog: byId('delete-dialog', HTMLDialogElement),
  deleteText: byId('delete-text', HTMLParagraphElement),
  deleteConfirm: byId('delete-confirm', HTMLButtonElement),
};

handleSubmit(
  account.passwordForm,
  account.passwordError,
  'Changing password…',
  async () => {
    if (!user) return;
    showMessage(account.passwordNotice, null);
    const change = {
      currentPassword: fieldValue(account.passwordForm, 'currentPassword', false),
      newPassword: fieldValue(account.passwordForm, 'newPassword', false),
    };
    const session = await client.users.changePassword(user.id, change);
    account.passwordForm.reset();
    setUser(session.data);
    void listSessions();
    showNotice(account.passwordNotice, 'Password changed. Your other devices are logged out.');
  },
  undefined,
  { invalid_credentials: { message: 'Your current password is wrong.', field: 'currentPassword' } },
);

/** Runs an account action from a button; its outcome is shown under the account panel. */
function accountAction(button: HTMLButtonElement, action: () => Promise<string | null>): Promise<void> {
  return buttonAction(button, account, action);
}

account.logoutOthers.addEventListener(
  'click',
  () =>
    void accountAction(account.logoutOthers, async () => {
      await client.sessions.logout({ scope: 'others' });
      void listSessions();
      return 'Your other devices are logged out.';
    }),
);

// ---------------------------------------------------------------- sessions: where the user is logged in

const sessions = {
  list: byId('sessions-list', HTMLUListElement),
  status: byId('sessions-status', HTMLParagraphElement),
  refresh: byId('sessions-refresh', HTMLButtonElement),
  notice: byId('sessions-notice', HTMLParagraphElement),
  error: byId('sessions-error', HTMLParagraphElement),
};

/** Answers of a list still on the way when a newer one was asked for are dropped. */
let sessionsAsked = 0;

function clearSessions(): void {
  sessionsAsked++;
  sessions.list.replaceChildren();
  showMessage(sessions.status, 'Loading your sessions…');
  showMessage(sessions.notice, null);
  showMessage(sessions.error, null);
}

/** Lists the user's sessions, this device's first. */
async function listSessions(): Promise<void> {
  const person = user;
  if (!person) return;
  const asked = ++sessionsAsked;
  sessions.refresh.disabled = true;
  try {
    const found = await client.sessions.list(person.id);
    if (asked !== sessionsAsked || user?.id !== person.id) return;
    found.sort((a, b) => Number(b.current) - Number(a.current) || b.lastUsedAt.localeCompare(a.lastUsedAt));
    sessions.list.replaceChildren(
      ...found.map((session) => sessionItem(session, (button) => endSession(session, button))),
    );
    showMessage(
      sessions.status,
      found.length === 1 ? 'Only this device is logged in.' : `${found.length} devices are logged in.`,
    );
  } catch (error) {
    if (asked !== sessionsAsked) return;
    showMessage(sessions.status, null);
    showMessage(sessions.error, `Your sessions could not be listed: ${sentenceOf(error)}`);
  } finally {
    if (asked === sessionsAsked) sessions.refresh.disabled = false;
  }
}

/** Ends one session; ending this device's logs this console out. */
function endSession(session: Session, button: HTMLButtonElement): void {
  const person = user;
  if (!person) return;
  void buttonAction(
    button,
    sessions,
    async () => {
      try {
        await client.sessions.end(person.id, session.id);
      } catch (error) {
        void listSessions(); // e.g. ended meanwhile elsewhere
        throw error;
      }
      if (session.current) {
        client.storage.clear(); // the SDK forgot this session's tokens already; nothing of it may stay
        signOut('You ended the session of this device: you are logged out.');
        return null;
      }
      void listSessions();
      return `The session of ${deviceName(session.userAgent)} (${session.ip}) is ended.`;
    },
    { not_found: { message: 'This session has ended already.' } },
  );
}

sessions.refresh.addEventListener('click', () => {
  showMessage(sessions.notice, null);
  void listSessions();
});

account.deleteButton.addEventListener('click', () => {
  if (!user) return;
  // The confirmation names the account, so nobody deletes the wrong one from a shared screen.
  account.deleteText.textContent = `Delete the account ${user.username} (${user.email})? Its picture and sessions go with it. This cannot be undone.`;
  account.deleteConfirm.textContent = `Delete ${user.username}`;
  account.deleteDialog.showModal();
});

account.deleteDialog.addEventListener('close', () => {
  const person = user;
  if (account.deleteDialog.returnValue !== 'delete' || !person) return;
  void accountAction(account.deleteButton, async () => {
    await client.users.remove(person.id);
    signOut(`The account ${person.username} is deleted.`);
    return null;
  });
});

/** The server ended this browser's session (logged out elsewhere, password changed elsewhere, account deleted). */
live.onSessionEnd((end: SessionEnd) => {
  if (client.storage.get() || !user) return; // a fresh token (our own password change) keeps the session
  signOut(end.reason === 'deleted' ? 'This account was deleted.' : 'Your session has ended; please log in again.');
});

live.socket.on('connect', () => {
  setConnection('live', 'Live');
  // What changed while no socket listened (an admin change among them) shows now; an admin's statistics follow.
  if (user) void refreshUser();
});
live.socket.on('disconnect', () => setConnection('connecting', 'Reconnecting…'));
live.onError(async (error) => {
  if (error.code !== 'connect_error') return;
  setConnection('offline', live.socket.active ? 'Offline, retrying…' : 'Offline');
  // A refused token: find out whether the session is over, and if so go on anonymously.
  if (!live.socket.active && client.storage.get()) {
    try {
      await client.sessions.current();
      // The session is fine; the server could not check it just now. Try again in a while.
      setTimeout(() => live.reconnect(), reconnectDelayMs);
    } catch (failure) {
      if (sessionEnded(failure)) {
        client.storage.clear(); // the SDK reconnects anonymously
        signOut('Your session has ended; please log in again.');
      }
    }
  }
});

const mailed = takeMailedLink();
if (mailed?.page === 'reset-password') openResetPage(mailed.token);
if (mailed?.page === 'verify-email') view = 'verify'; // checked once the session is known, to update its user
renderUser();
void restoreSession().then(() => {
  if (mailed?.page === 'verify-email') void openVerifyPage(mailed.token);
});
