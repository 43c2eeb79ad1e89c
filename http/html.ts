/** Escapes text for HTML content and quoted attribute values (`& < > " '` as numeric references). */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
