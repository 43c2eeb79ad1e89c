/** Small DOM helpers. Text always goes in through `textContent`: nothing here parses HTML. */

type Attributes = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | null | undefined | false;

/**
 * Creates an element with attributes (`true` sets an empty attribute; `false`, null and
 * undefined skip it) and children (strings become text nodes).
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

/**
 * The element with an id, checked to be of the expected class.
 * @throws Error when it is missing or of another kind (the page and the script disagree)
 */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`#${id} is missing or is not a ${type.name}.`);
  return element;
}

/** Shows `message` in a message slot, or hides the slot when `message` is null. */
export function showMessage(slot: HTMLElement, message: string | null): void {
  slot.textContent = message ?? '';
  slot.hidden = message === null;
}

/** Shows a success notice in `slot` and hides every other notice of the page: one outcome at a time. */
export function showNotice(slot: HTMLElement, message: string): void {
  document.querySelectorAll<HTMLElement>('.notice').forEach((other) => {
    if (other !== slot) showMessage(other, null);
  });
  showMessage(slot, message);
}

/** Turns any thrown value into a sentence for the user. */
export function messageOf(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong; please try again.';
}

/**
 * Runs a form's action with its submit button disabled (and relabelled), showing whatever it
 * throws in the form's error slot.
 */
export async function submitting(
  form: HTMLFormElement,
  errorSlot: HTMLElement,
  busyLabel: string,
  action: () => Promise<void>,
): Promise<void> {
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  const label = button?.textContent ?? '';
  showMessage(errorSlot, null);
  form.setAttribute('aria-busy', 'true');
  if (button) {
    button.disabled = true;
    button.textContent = busyLabel;
  }
  try {
    await action();
  } catch (error) {
    showMessage(errorSlot, messageOf(error));
  } finally {
    form.removeAttribute('aria-busy');
    if (button) {
      button.disabled = false;
      button.textContent = label;
    }
  }
}

/** The value of a named form field ('' when absent), trimmed unless `trim` is false (passwords). */
export function fieldValue(form: HTMLFormElement, name: string, trim = true): string {
  const field = form.elements.namedItem(name);
  if (!(field instanceof HTMLInputElement)) return '';
  return trim ? field.value.trim() : field.value;
}
