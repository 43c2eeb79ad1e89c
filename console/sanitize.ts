/**
 * Job descriptions are HTML written by job boards. They are never injected as HTML: they are
 * parsed into an inert document (no scripts run, nothing is fetched) and rebuilt here element by
 * element from an allow-list — text, paragraphs, lists, emphasis and http(s)/mailto links, with
 * no attributes besides a checked `href`.
 */

/** Elements kept as they are (without attributes). */
const keptTags = new Set([
  'p',
  'br',
  'ul',
  'ol',
  'li',
  'strong',
  'b',
  'em',
  'i',
  'u',
  's',
  'small',
  'sub',
  'sup',
  'code',
  'pre',
  'blockquote',
  'hr',
  'dl',
  'dt',
  'dd',
]);
/** Elements whose content is dropped too (code, embedded content, forms, metadata). */
const droppedTags = new Set([
  'script',
  'style',
  'template',
  'noscript',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'svg',
  'math',
  'img',
  'picture',
  'video',
  'audio',
  'source',
  'track',
  'canvas',
  'map',
  'form',
  'input',
  'button',
  'select',
  'textarea',
  'option',
  'link',
  'meta',
  'base',
  'head',
  'title',
]);
/** Headings of a description become small headings inside the job card. */
const headingTags = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** Deeper nesting than this is flattened to text (no one writes it; it only costs stack). */
const maxDepth = 32;

/** Returns `url` when it is an absolute http(s) URL (or mailto: when `allowMail`), else null. */
export function safeUrl(url: string | null | undefined, allowMail = false): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url.trim());
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:' || (allowMail && parsed.protocol === 'mailto:'))
      return parsed.href;
  } catch {
    // Not an absolute URL.
  }
  return null;
}

/** A new link that opens outside the console and tells the target nothing about it. */
export function externalLink(href: string): HTMLAnchorElement {
  const link = document.createElement('a');
  link.href = href;
  link.target = '_blank';
  link.rel = 'noopener noreferrer nofollow ugc';
  return link;
}

function copyChildren(from: Node, to: Node, depth: number): void {
  for (const child of Array.from(from.childNodes)) {
    const copy = sanitizedNode(child, depth + 1);
    if (copy) to.appendChild(copy);
  }
}

function sanitizedNode(node: Node, depth: number): Node | null {
  if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.textContent ?? '');
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  const tag = (node as Element).localName;
  if (droppedTags.has(tag)) return null;
  if (depth > maxDepth) return document.createTextNode(node.textContent ?? '');
  let copy: Node;
  if (keptTags.has(tag)) copy = document.createElement(tag);
  else if (headingTags.has(tag)) copy = document.createElement('h4');
  else if (tag === 'a') {
    const href = safeUrl((node as Element).getAttribute('href'), true);
    copy = href ? externalLink(href) : document.createElement('span');
  } else copy = document.createDocumentFragment(); // Unknown wrappers (div, span, table…): keep their content only.
  copyChildren(node, copy, depth);
  return copy;
}

/** Rebuilds board HTML as safe DOM nodes (see the module comment). */
export function sanitizedHtml(html: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  if (!html) return fragment;
  // DOMParser documents are inert: scripts do not run and images are not fetched.
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  copyChildren(parsed.body, fragment, 0);
  return fragment;
}

const inlineTags = new Set(['a', 'span', 'strong', 'b', 'em', 'i', 'u', 's', 'small', 'sub', 'sup', 'code']);

function textOf(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
  const text = Array.from(node.childNodes, textOf).join('');
  // Block boundaries (paragraphs, list items, line breaks) become spaces.
  return node instanceof Element && !inlineTags.has(node.localName) ? ` ${text} ` : text;
}

/** The text of board HTML on one line, for summaries. */
export function htmlToText(html: string): string {
  return textOf(sanitizedHtml(html)).replace(/\s+/g, ' ').trim();
}
