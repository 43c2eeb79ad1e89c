import type { Job } from '../client/index';
import { el } from './dom';
import { externalLink, htmlToText, safeUrl, sanitizedHtml } from './sanitize';

const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/** A stable hue per company, so its monogram keeps its colour across lists. */
function hueOf(text: string): number {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return hash % 360;
}

function monogram(company: string): HTMLElement {
  const letter = company.trim().charAt(0).toUpperCase() || '?';
  const badge = el('span', { class: 'monogram', 'aria-hidden': 'true' }, letter);
  badge.style.setProperty('--hue', String(hueOf(company)));
  return badge;
}

function postedOn(createdAt: string): HTMLElement | null {
  const date = new Date(createdAt);
  if (Number.isNaN(date.getTime()) || date.getTime() === 0) return null;
  return el('time', { datetime: date.toISOString() }, dateFormat.format(date));
}

/** The title, linked to the posting when its URL is http(s). */
function title(job: Job, level: 'h3' | 'h4'): HTMLElement {
  const heading = el(level, { class: 'job-title' });
  const href = safeUrl(job.url);
  if (href) {
    const link = externalLink(href);
    link.textContent = job.title || 'Untitled job';
    heading.append(link);
  } else heading.textContent = job.title || 'Untitled job';
  return heading;
}

function meta(job: Job): HTMLElement {
  return el(
    'p',
    { class: 'job-meta' },
    job.company ? el('span', { class: 'job-company' }, job.company) : null,
    job.location ? el('span', { class: 'job-location' }, job.location) : null,
    postedOn(job.created_at),
  );
}

export interface JobCardOptions {
  /** A one-line card (the live list) instead of one with the description. */
  compact?: boolean;
  /** Heading level of the title; h3 by default. */
  headingLevel?: 'h3' | 'h4';
  /** A short label shown on the card, e.g. why it is there. */
  label?: string;
}

/** Renders a job. Every string from the server goes in as text, the descriptions sanitized. */
export function jobCard(job: Job, options: JobCardOptions = {}): HTMLElement {
  const card = el(
    'article',
    { class: options.compact ? 'job job-compact' : 'job', 'data-job-id': job.id },
    el(
      'div',
      { class: 'job-head' },
      monogram(job.company),
      el('div', { class: 'job-heading' }, title(job, options.headingLevel ?? 'h3'), meta(job)),
      el('span', { class: 'badge', 'data-type': job.type }, job.type),
    ),
  );
  if (options.label) card.prepend(el('p', { class: 'job-label' }, options.label));
  if (options.compact) return card;

  const summary = htmlToText(job.description);
  if (summary)
    card.append(
      el('p', { class: 'job-summary' }, summary.length > 220 ? `${summary.slice(0, 217).trimEnd()}…` : summary),
    );
  const details = el('details', { class: 'job-details' }, el('summary', {}, 'Description and how to apply'));
  const description = el('div', { class: 'rich' });
  description.append(sanitizedHtml(job.description));
  details.append(description);
  if (job.how_to_apply) {
    const apply = el('div', { class: 'rich' });
    apply.append(sanitizedHtml(job.how_to_apply));
    details.append(el('h4', { class: 'details-heading' }, 'How to apply'), apply);
  }
  const companySite = safeUrl(job.company_url);
  if (companySite) {
    const link = externalLink(companySite);
    link.textContent = `About ${job.company || 'the company'}`;
    details.append(el('p', { class: 'company-link' }, link));
  }
  card.append(details);
  return card;
}
