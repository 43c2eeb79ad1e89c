/**
 * The node-jobs web console: everything goes through the SDK (`client/`), against the server that
 * serves this page.
 */
import {
  ApiError,
  createClient,
  type ApiErrorCode,
  imageTypes,
  LocalStorageAdapter,
  MemoryStorage,
  maxImageBytes,
  type AdminStatistics,
  type Job,
  type JobSearchQuery,
  type PublicUser,
  type SessionEnd,
  type TokenStorage,
} from '../client/index';
import { byId, el, fieldValue, showMessage, showNotice, submitting } from './dom';
import { jobCard } from './jobCard';
import { readError, sentenceOf, type CodeReading } from './messages';
import { safeUrl } from './sanitize';

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

const ui = {
  pageError: byId('page-error', HTMLParagraphElement),
  connection: byId('connection', HTMLParagraphElement),
  connectionText: byId('connection-text', HTMLSpanElement),
  chip: byId('account-chip', HTMLDivElement),
  chipAvatar: byId('chip-avatar', HTMLImageElement),
  chipInitials: byId('chip-initials', HTMLSpanElement),
  chipName: byId('chip-name', HTMLSpanElement),
  logout: byId('logout-button', HTMLButtonElement),

  authPanel: byId('auth-panel', HTMLElement),
  authNotice: byId('auth-notice', HTMLParagraphElement),
  registerForm: byId('register-form', HTMLFormElement),
  registerError: byId('register-error', HTMLParagraphElement),
  loginForm: byId('login-form', HTMLFormElement),
  loginError: byId('login-error', HTMLParagraphElement),

  profilePanel: byId('profile-panel', HTMLElement),
  profileAvatar: byId('profile-avatar', HTMLImageElement),
  profileInitials: byId('profile-initials', HTMLSpanElement),
  profileUsername: byId('profile-username', HTMLSpanElement),
  profileAdmin: byId('profile-admin', HTMLSpanElement),
  profileEmail: byId('profile-email', HTMLParagraphElement),
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

// ---------------------------------------------------------------- errors next to their forms

/** How a form reads some error codes itself (e.g. `invalid_credentials` as "your current password is wrong"). */
type FormReadings = Partial<Record<ApiErrorCode, CodeReading>>;

/** Marks a field of `form` invalid; returns its label. */
function markInvalid(form: HTMLFormElement, name: string): string | undefined {
  const field = form.elements.namedItem(name);
  if (!(field instanceof HTMLInputElement)) return undefined;
  field.setAttribute('aria-invalid', 'true');
  return field.labels?.[0]?.textContent?.trim() ?? name;
}

/**
 * Says a failure as a sentence (see `readError`). A validation message names the field first
 * (`newPassword: must be …`): mark that field invalid and name it by its label.
 */
function reportFormError(form: HTMLFormElement, slot: HTMLElement, error: unknown, readings: FormReadings = {}): void {
  const reading = readError(error, readings);
  let message = reading.message;
  if (reading.field) markInvalid(form, reading.field);
  const named = /^([A-Za-z_]+): (.*)$/s.exec(message);
  const label = named ? markInvalid(form, named[1]!) : undefined;
  if (named && label) message = `${label} ${named[2]!}`;
  showMessage(slot, message);
}

/**
 * Runs a form's action; a failure is shown next to the form, naming the field when it can.
 * `settled` runs once the form is usable again.
 */
function handleSubmit(
  form: HTMLFormElement,
  slot: HTMLElement,
  busyLabel: string,
  action: () => Promise<void>,
  settled?: () => void,
  readings?: FormReadings,
): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    form.querySelectorAll('[aria-invalid]').forEach((field) => field.removeAttribute('aria-invalid'));
    void submitting(form, slot, busyLabel, async () => {
      try {
        await action();
      } catch (error) {
        reportFormError(form, slot, error, readings);
      }
    }).then(settled);
  });
}

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

function renderUser(version?: number): void {
  const signedIn = user !== null;
  ui.authPanel.hidden = signedIn;
  ui.profilePanel.hidden = !signedIn;
  ui.chip.hidden = !signedIn;
  ui.statsPanel.hidden = !user?.admin;
  if (!user) {
    ui.chipAvatar.removeAttribute('src');
    ui.profileAvatar.removeAttribute('src');
    return;
  }
  ui.chipName.textContent = user.username;
  ui.profileUsername.textContent = user.username;
  ui.profileEmail.textContent = user.email;
  ui.profileAdmin.hidden = !user.admin;
  ui.profileAvatar.alt = `Profile picture of ${user.username}`;
  showAvatar(ui.chipAvatar, ui.chipInitials, user, version);
  showAvatar(ui.profileAvatar, ui.profileInitials, user, version);
  if (user.admin && live.socket.connected) void requestStatistics();
}

function signIn(person: PublicUser): void {
  user = person;
  showMessage(ui.authNotice, null);
  showMessage(ui.pageError, null);
  renderUser();
}

function signOut(notice: string | null): void {
  user = null;
  resetPicture();
  showMessage(ui.pictureNotice, null);
  for (const output of [ui.statsJobs, ...Object.values(ui.statsService)]) {
    output.value = '–';
    delete output.dataset.value;
  }
  ui.statsUpdated.textContent = 'Waiting for the first update…';
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
    user = { ...user, image };
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

live.onAdminStatistics((statistics) => {
  if (user?.admin) showStatistics(statistics);
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
    user = session.data;
    showNotice(account.passwordNotice, 'Password changed. Your other devices are logged out.');
  },
  undefined,
  { invalid_credentials: { message: 'Your current password is wrong.', field: 'currentPassword' } },
);

/** Runs an account action from a button; its outcome is shown under the account panel. */
async function accountAction(button: HTMLButtonElement, action: () => Promise<string | null>): Promise<void> {
  button.disabled = true;
  showMessage(account.notice, null);
  showMessage(account.error, null);
  try {
    const notice = await action();
    if (notice) showNotice(account.notice, notice);
  } catch (error) {
    showMessage(account.error, sentenceOf(error));
  } finally {
    button.disabled = false;
  }
}

account.logoutOthers.addEventListener(
  'click',
  () =>
    void accountAction(account.logoutOthers, async () => {
      await client.sessions.logout({ scope: 'others' });
      return 'Your other devices are logged out.';
    }),
);

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
  if (user?.admin) void requestStatistics();
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

renderUser();
void restoreSession();
