/** Renders an OpenAPI document as one self-contained HTML page (no scripts, no CDN). */

import { escapeHtml as escape } from '../../http/html';
import { docsTags } from '../../http/openapi';

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: unknown }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses?: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}

const schemaBlock = (schema: unknown) => `<pre><code>${escape(JSON.stringify(schema, null, 2))}</code></pre>`;

/** Text with `code` spans, escaped. */
const prose = (text: string) => escape(text).replace(/`([^`]+)`/g, '<code>$1</code>');

interface PropertySchema {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  [rule: string]: unknown;
}

/** The rules of a property worth a reader's eye (lengths, patterns, ranges, choices). */
function rules(property: PropertySchema): string {
  const parts: string[] = [];
  for (const key of ['minLength', 'maxLength', 'minimum', 'maximum', 'pattern', 'format', 'default']) {
    if (property[key] !== undefined) parts.push(`${key} ${JSON.stringify(property[key])}`);
  }
  if (property.enum) parts.push(`one of ${property.enum.map((value) => JSON.stringify(value)).join(', ')}`);
  return parts.join('; ');
}

/** An object schema as a table of its fields, the raw schema folded below. */
function fieldsTable(schema: unknown): string {
  const object = schema as { properties?: Record<string, PropertySchema>; required?: string[] };
  if (!object.properties) return schemaBlock(schema);
  const rows = Object.entries(object.properties)
    .map(
      ([name, property]) =>
        `<tr><td><code>${escape(name)}</code></td><td>${escape([property.type ?? 'any'].flat().join(' | '))}</td><td>${(object.required ?? []).includes(name) ? 'yes' : 'no'}</td><td>${escape(rules(property))}</td><td>${prose(property.description ?? '')}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>field</th><th>type</th><th>required</th><th>rules</th><th>description</th></tr></thead><tbody>${rows}</tbody></table><details><summary>JSON Schema</summary>${schemaBlock(schema)}</details>`;
}

function renderOperation(method: string, path: string, operation: Operation): string {
  const parameters = operation.parameters ?? [];
  const body = operation.requestBody?.content['application/json']?.schema;
  return `<section class="op" id="${escape(`${method}-${path}`)}">
  <h3><span class="method ${escape(method)}">${escape(method.toUpperCase())}</span> <code>${escape(path)}</code>${operation.security ? ' <span class="lock" title="Bearer token required">🔒 token</span>' : ''}</h3>
  <p>${prose(operation.summary ?? '')}</p>
  ${operation.description ? `<p>${prose(operation.description)}</p>` : ''}
  ${
    parameters.length > 0
      ? `<table><thead><tr><th>parameter</th><th>in</th><th>required</th><th>type</th><th>rules</th><th>description</th></tr></thead><tbody>${parameters
          .map(
            (p) =>
              `<tr><td><code>${escape(p.name)}</code></td><td>${escape(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td>${escape([(p.schema as PropertySchema | undefined)?.type ?? 'any'].flat().join(' | '))}</td><td>${escape(rules((p.schema ?? {}) as PropertySchema))}</td><td>${prose(p.description ?? '')}</td></tr>`,
          )
          .join('')}</tbody></table>`
      : ''
  }
  ${body ? `<h4>Request body (JSON or form-urlencoded)</h4>${fieldsTable(body)}` : ''}
  <h4>Responses</h4>
  <dl>${Object.entries(operation.responses ?? {})
    .map(([status, response]) => {
      const schema = response.content?.['application/json']?.schema;
      return `<dt class="status s${escape(status[0])}">${escape(status)}</dt><dd>${prose(response.description)}${schema ? `<details><summary>schema</summary>${schemaBlock(schema)}</details>` : ''}</dd>`;
    })
    .join('')}</dl>
</section>`;
}

/** The page of `/docs`. */
export function renderDocsPage(document: Record<string, unknown>): string {
  const info = document.info as { title: string; version: string; description?: string };
  const paths = document.paths as Record<string, Record<string, Operation>>;
  const byTag = new Map<string, string[]>();
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const tag = operation.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), renderOperation(method, path, operation)]);
    }
  }
  const order: readonly string[] = docsTags;
  const rank = (tag: string) => (order.includes(tag) ? order.indexOf(tag) : order.length);
  const tags = [...byTag].sort(([a], [b]) => rank(a) - rank(b));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(info.title)} ${escape(info.version)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
main{max-width:960px;margin:0 auto;padding:1.5rem}
h1{margin:0 0 .25rem}h2{margin-top:2rem;text-transform:capitalize;border-bottom:1px solid #d0d7de}
.op{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:1rem;margin:1rem 0}
.op h3{margin:0;font-size:1.05rem;display:flex;gap:.5rem;align-items:center;flex-wrap:wrap}
.method{font:600 .8rem monospace;padding:.15rem .5rem;border-radius:4px;color:#fff;background:#6e7781}
.get{background:#0969da}.post{background:#1a7f37}.put{background:#9a6700}.delete{background:#cf222e}
.lock{font-size:.8rem;color:#57606a}
table{border-collapse:collapse;width:100%;font-size:.9rem;display:block;overflow-x:auto}td,th{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left}
nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;list-style:none;text-transform:capitalize}
pre{background:#f6f8fa;padding:.5rem;overflow-x:auto;font-size:.8rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem .75rem}dt{font-weight:600}.s2{color:#1a7f37}.s4{color:#9a6700}.s5{color:#cf222e}
</style></head>
<body><main>
<h1>${escape(info.title)}</h1><p>Version ${escape(info.version)} · <a href="/openapi.json">openapi.json</a> · <a href="/console/">web console</a></p>
${info.description ? `<p>${prose(info.description)}</p>` : ''}
<nav><ul>${tags.map(([tag, operations]) => `<li><a href="#tag-${escape(tag)}">${escape(tag)}</a> (${operations.length})</li>`).join('')}</ul></nav>
${tags.map(([tag, operations]) => `<h2 id="tag-${escape(tag)}">${escape(tag)}</h2>${operations.join('\n')}`).join('\n')}
</main></body></html>`;
}
