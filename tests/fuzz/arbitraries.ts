import { gzipSync } from 'node:zlib';
import fc from 'fast-check';

/** A JSON Schema as the OpenAPI document holds it (generated from the zod schemas of the routes). */
export interface JsonSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
}

/** One request the fuzzer sends, as raw as Node's client lets it be. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Text that has broken many servers: lone surrogates, zero-width and bidi marks, look-alikes, NUL, huge. */
export const hostileText = fc.constantFrom(
  '',
  ' ',
  'a\ud800@example.com',
  '\udfff',
  '\u0000',
  '\u200b\u202e',
  'ａｕｔｈ＠ｅｘａｍｐｌｅ．ｃｏｍ',
  'ﬁ@example.com',
  '𝔞𝔟𝔠@example.com',
  '__proto__',
  'constructor',
  '%',
  '%FF',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  'x'.repeat(300),
  `${'a'.repeat(2100)}@example.com`,
  'a'.repeat(90_000),
);

/** Any text: printable, full Unicode (surrogates included) or hostile. */
export const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  hostileText,
);

/** A value of the schema's type, often valid, often just outside its rules. */
export function fromSchema(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  if (!schema) return fc.jsonValue({ maxDepth: 2 });
  if (schema.enum) return fc.oneof(fc.constantFrom(...schema.enum), anyText);
  if (schema.anyOf?.length) return fc.oneof(...schema.anyOf.map(fromSchema));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return stringFor(schema);
    case 'integer':
    case 'number':
      return fc.oneof(
        fc.integer({ min: schema.minimum ?? -10, max: schema.maximum ?? 1_000_000 }),
        fc.double(),
        fc.constantFrom(-1, 0, 2 ** 53, Number.MAX_VALUE),
      );
    case 'boolean':
      return fc.oneof(fc.boolean(), anyText);
    case 'array':
      return fc.array(fromSchema(schema.items), { maxLength: 5 });
    case 'object':
      return objectFor(schema);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringFor(schema: JsonSchema): fc.Arbitrary<unknown> {
  const bounded = fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 300) });
  const valid =
    schema.format === 'email' || /email/i.test(schema.pattern ?? '')
      ? fc.emailAddress()
      : schema.pattern
        ? fc.stringMatching(new RegExp(schema.pattern))
        : bounded;
  return fc.oneof(
    { arbitrary: valid, weight: 3 },
    { arbitrary: anyText, weight: 2 },
    { arbitrary: fc.integer(), weight: 1 },
    { arbitrary: fc.constant(null), weight: 1 },
  );
}

function objectFor(schema: JsonSchema): fc.Arbitrary<unknown> {
  const properties = Object.entries(schema.properties ?? {});
  const record = fc.record(Object.fromEntries(properties.map(([name, property]) => [name, fromSchema(property)])), {
    requiredKeys: [],
  });
  const extra = fc.dictionary(
    fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'admin', 'id', 'passwordHash'),
      fc.string({ maxLength: 8 }),
    ),
    fc.jsonValue({ maxDepth: 2 }),
    { maxKeys: 3 },
  );
  return fc.tuple(record, extra).map(([known, unknown]) => ({ ...unknown, ...known }));
}

/** JSON nested far deeper than any schema. */
const deepNesting = fc.integer({ min: 100, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);

/** The raw text of a body: JSON of the schema, broken JSON, prototype pollution, deep nesting, oversized. */
export function bodyText(schema: JsonSchema | undefined): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fromSchema(schema ?? { type: 'object' }).map((value) => JSON.stringify(value) ?? 'null'), weight: 6 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)), weight: 1 },
    {
      arbitrary: fc.constantFrom(
        '{"__proto__":{"admin":true}}',
        '{"constructor":{"prototype":{"admin":true}}}',
        '{"email":{"$ne":null}}',
        '{',
        '{"a":',
        'null',
        '""',
        '[]',
      ),
      weight: 2,
    },
    { arbitrary: deepNesting, weight: 1 },
    { arbitrary: fc.constantFrom('x'.repeat(150_000), `{"email":"${'a'.repeat(120_000)}"}`), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 60 }), weight: 1 },
  );
}

/** A path segment: the right value, another one, or one whose escapes are broken. */
export function segment(valid: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...valid), weight: 4 },
    { arbitrary: fc.uuid(), weight: 1 },
    {
      arbitrary: fc.constantFrom(
        '%',
        '%FF',
        '%E0%A4%A',
        '%C0%AE',
        '%00',
        '%ED%A0%80',
        '..',
        '.',
        '%2e%2e',
        '%2F',
        'x'.repeat(3000),
      ),
      weight: 3,
    },
    { arbitrary: anyText.map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '?'))), weight: 2 },
  );
}

/** A query string from the route's parameters: right values, wrong ones, repeated keys, unknown and prototype keys. */
export function queryText(parameters: { name: string; schema?: JsonSchema }[]): fc.Arbitrary<string> {
  const value = (schema: JsonSchema | undefined) =>
    fromSchema(schema).map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? '')));
  const pairs = fc.array(
    fc.oneof(
      ...parameters.map((parameter) => fc.tuple(fc.constant(parameter.name), value(parameter.schema))),
      fc.tuple(fc.constantFrom('__proto__', 'constructor', 'unknown', 'a[b]', 'toString'), anyText),
    ),
    { maxLength: 5 },
  );
  const broken = fc.constantFrom(
    '',
    '?%',
    '?a=%FF',
    '?%E0%A4%A=1',
    '?&&&',
    '?a[__proto__][admin]=1',
    `?x=${'y'.repeat(10_000)}`,
  );
  return fc.oneof(
    {
      arbitrary: pairs.map((list) =>
        list.length
          ? `?${list.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '?'))}`).join('&')}`
          : '',
      ),
      weight: 5,
    },
    { arbitrary: broken, weight: 1 },
  );
}

const contentTypes = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=koi8-r',
  'application/json; charset=utf-16',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/xml',
  '*/*',
  ';;;',
];
const contentEncodings = ['identity', 'gzip', 'gzip-garbage', 'deflate', 'br', 'x-unknown', 'gzip, gzip'];

/** Headers and body bytes together: the encoding decides how the text becomes bytes. */
export function headersAndBody(
  schema: JsonSchema | undefined,
  withBody: boolean,
  token: () => string,
): fc.Arbitrary<{ headers: Record<string, string>; body?: Buffer }> {
  const authorization = fc.oneof(
    fc.constant(undefined),
    fc.constant('valid'),
    fc.constantFrom(
      'Bearer ',
      'Bearer x.y.z',
      'Basic YTpi',
      'bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.',
      `Bearer ${'a'.repeat(5000)}`,
    ),
  );
  return fc
    .record({
      authorization,
      contentType: fc.option(fc.constantFrom(...contentTypes), { nil: undefined }),
      encoding: fc.option(fc.constantFrom(...contentEncodings), { nil: undefined }),
      text: withBody ? fc.option(bodyText(schema), { nil: undefined, freq: 8 }) : fc.constant(undefined),
    })
    .map(({ authorization, contentType, encoding, text }) => {
      const headers: Record<string, string> = {};
      if (authorization === 'valid') headers.authorization = `Bearer ${token()}`;
      else if (authorization !== undefined) headers.authorization = authorization;
      if (contentType !== undefined) headers['content-type'] = contentType;
      if (text === undefined) return { headers };
      let body = Buffer.from(text, 'utf8');
      if (encoding === 'gzip') body = gzipSync(body);
      if (encoding === 'gzip-garbage') body = Buffer.from('x');
      if (encoding !== undefined) headers['content-encoding'] = encoding === 'gzip-garbage' ? 'gzip' : encoding;
      return { headers, body };
    });
}
