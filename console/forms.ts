/**
 * Forms and buttons of the console: their failures said as sentences beside them, naming and
 * marking the invalid fields.
 */
import type { ApiErrorCode } from '../client/index';
import { showMessage, showNotice, submitting } from './dom';
import { readError, type CodeReading } from './messages';

/** How a form reads some error codes itself (e.g. `invalid_credentials` as "your current password is wrong"). */
export type FormReadings = Partial<Record<ApiErrorCode, CodeReading>>;

/** Marks a field of `form` invalid; returns its label. */
function markInvalid(form: HTMLFormElement, name: string): string | undefined {
  const field = form.elements.namedItem(name);
  if (!(field instanceof HTMLInputElement)) return undefined;
  field.setAttribute('aria-invalid', 'true');
  return field.labels?.[0]?.textContent?.trim() ?? name;
}

/** `New password must be …`: a field's message after its label (its name when the form has no such input). */
function fieldSentence(form: HTMLFormElement, field: string, message: string): string {
  return `${markInvalid(form, field) ?? field} ${message}`;
}

/**
 * Says a failure as a sentence (see `readError`) in `slot`. A 422 naming its invalid fields: one
 * line per field, each field marked invalid and named by its label. A single validation message
 * names its field first (`newPassword: must be …`): the same.
 */
export function reportFormError(
  form: HTMLFormElement,
  slot: HTMLElement,
  error: unknown,
  readings: FormReadings = {},
): void {
  const reading = readError(error, readings);
  if (reading.field) markInvalid(form, reading.field);
  if (reading.fields?.length) {
    const lines = reading.fields.map(({ field, message }) => fieldSentence(form, field, message));
    return showMessage(slot, lines.join('\n'));
  }
  const named = /^([A-Za-z_.]+): (.*)$/s.exec(reading.message);
  showMessage(slot, named ? fieldSentence(form, named[1]!, named[2]!) : reading.message);
}

/**
 * Runs a form's action on submit; a failure is shown next to the form, naming the fields when it
 * can. `settled` runs once the form is usable again.
 */
export function handleSubmit(
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

/** Where a button's outcome is said. */
export interface OutcomeSlots {
  notice: HTMLElement;
  error: HTMLElement;
}

/**
 * Runs a button's action with the button disabled; the notice it returns (if any) or its failure,
 * as a sentence, goes to `slots`.
 */
export async function buttonAction(
  button: HTMLButtonElement,
  slots: OutcomeSlots,
  action: () => Promise<string | null>,
  readings: FormReadings = {},
): Promise<void> {
  button.disabled = true;
  showMessage(slots.notice, null);
  showMessage(slots.error, null);
  try {
    const notice = await action();
    if (notice) showNotice(slots.notice, notice);
  } catch (error) {
    showMessage(slots.error, readError(error, readings).message);
  } finally {
    button.disabled = false;
  }
}
