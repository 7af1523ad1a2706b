import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { startTestApi, type ApiResponse, type TestApi } from '../helpers/api.ts';
import {
  assertErrorEnvelope,
  responseShapes,
  routeName,
  routes,
  scopedRoutes,
  type RouteCase,
} from '../helpers/routes.ts';

/**
 * Property tests of every body, query string and path parameter: whatever arrives, the API answers
 * below 500, with the error envelope or a 2xx of the documented shape. The seed is fixed so a
 * failure reproduces; set FUZZ_SEED / FUZZ_RUNS to explore further.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20260429);
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const params = (numRuns = RUNS) => ({ seed: SEED, numRuns, endOnFailure: true, includeErrorInReport: false });

const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];
const ODD_KEYS = [...POLLUTION_KEYS, '', 'a\u0000b', '\ud800', '$where', 'a.b', '🎙️'];

/** A string under the body limit but over every field's maximum length. */
const LONG_STRING = JSON.stringify('x'.repeat(100_000));

/** JSON literal texts that JSON.parse accepts (or, for the non-JSON ones, must reject cleanly). */
const RAW_VALUES = [
  '1e308',
  '-1e308',
  '1e309',
  '-0',
  '0.0000000000000000000001',
  '1e-400',
  '9007199254740993',
  '-9223372036854775809',
  '123456789012345678901234567890',
  '"NaN"',
  'NaN',
  'Infinity',
  '-Infinity',
  'undefined',
  '"\\u0000"',
  '"a\\u0000b"',
  '"\\ud800"',
  '"\\udfff\\ud800"',
  '"\\u202e\\u200b\\ufeff"',
  '"🎙️👩🏽‍💻"',
  '"\'; drop table agents; --"',
  '"<script>alert(1)</script>"',
  '"../../../../etc/passwd"',
  '"%00%ff"',
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '[' + '['.repeat(2000) + ']'.repeat(2000) + ']',
  '{"a":'.repeat(1000) + '1' + '}'.repeat(1000),
  LONG_STRING,
  JSON.stringify('é'.repeat(20_000)),
  '[' + Array.from({ length: 5000 }, (_, i) => i).join(',') + ']',
  '01',
  '.5',
  '0x10',
  "'single'",
  '"unterminated',
];

/** Any JSON value, including awkward strings and numbers. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'binary-ascii', maxLength: 50 }),
  fc.double(),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(0, -1, 1e308, Number.MAX_VALUE, Number.MIN_VALUE, true, false, null, '', [], {}),
  fc.dictionary(fc.constantFrom(...ODD_KEYS), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  fc.string({ maxLength: 20 }).map((s) => `${s}\u0000${s}`),
);

/** A JSON object text with `key` set to the raw JSON text `raw`, keeping the other fields of `base`. */
function withField(base: unknown, key: string, raw: string): string {
  const obj = base && typeof base === 'object' && !Array.isArray(base) ? { ...base } : {};
  delete (obj as Record<string, unknown>)[key];
  const rest = JSON.stringify(obj).slice(1, -1);
  return `{${rest}${rest ? ',' : ''}${JSON.stringify(key)}:${raw}}`;
}

type BodyCase = { rawBody: string; contentType?: string; label: string };

/** Bodies derived from a valid one: replaced fields, whole arbitrary values, broken text, wrong types. */
function bodies(valid: unknown): fc.Arbitrary<BodyCase> {
  const keys = valid && typeof valid === 'object' ? Object.keys(valid) : [];
  const field = fc.constantFrom(...keys, ...ODD_KEYS, 'unknownField');
  const validText = JSON.stringify(valid ?? {});
  return fc.oneof(
    fc.jsonValue({ maxDepth: 5 }).map((v) => ({ rawBody: JSON.stringify(v), label: 'json value' })),
    fc
      .tuple(field, anyValue)
      .map(([k, v]) => ({ rawBody: withField(valid, k, JSON.stringify(v) ?? 'null'), label: `field ${k}` })),
    fc
      .tuple(field, fc.constantFrom(...RAW_VALUES))
      .map(([k, raw]) => ({ rawBody: withField(valid, k, raw), label: `field ${k} raw` })),
    fc.constantFrom(...RAW_VALUES).map((raw) => ({ rawBody: raw, label: 'raw body' })),
    fc.string({ unit: 'binary', maxLength: 200 }).map((s) => ({ rawBody: s, label: 'text' })),
    fc
      .integer({ min: 0, max: Math.max(0, validText.length - 1) })
      .map((n) => ({ rawBody: validText.slice(0, n), label: 'truncated' })),
    fc
      .constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=xyz',
        'application/xml',
        'application/octet-stream',
        'application/json; charset=utf-16',
        'application/jsonx',
        'application/json, text/plain',
        'Application/JSON',
        ';;;',
      )
      .map((contentType) => ({ rawBody: validText, contentType, label: `content-type ${contentType}` })),
  );
}

/** Percent-encodes text; a lone surrogate (which has no UTF-8 form) becomes its raw, invalid bytes. */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s
      .split('')
      .map((c) => (/[\ud800-\udfff]/.test(c) ? '%ED%A0%80' : encodeURIComponent(c)))
      .join('');
  }
}

/** Query strings: the documented parameters (and others) with arbitrary, repeated or broken values. */
function queries(names: readonly string[]): fc.Arbitrary<string> {
  const name = fc.constantFrom(...names, ...ODD_KEYS, 'page[]', 'x');
  const value = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.constantFrom('', '1e308', '-0', 'NaN', '-1', '0', '99999999999999999999', '1.5', 'true', 'null', '[]'),
    fc.constantFrom('\u0000', 'a\u0000', '\ud800', '%', '\\', "'", '"', '%_', '*', 'x'.repeat(2_000)),
    fc.integer().map(String),
  );
  const encoded = fc
    .array(fc.tuple(name, value), { maxLength: 6 })
    .map((pairs) => pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&'));
  const broken = fc.constantFrom(
    '%',
    '%zz',
    'page=%',
    'limit=%00',
    '&&&',
    '=',
    'a=1&a=2&a=3',
    'search=%E0%A4%A',
  );
  return fc
    .array(fc.oneof(encoded, broken), { minLength: 1, maxLength: 3 })
    .map((parts) => '?' + parts.join('&'));
}

describe('fuzz', () => {
  let api: TestApi;
  let checkShape: Awaited<ReturnType<typeof responseShapes>>;
  before(async () => {
    api = await startTestApi();
    checkShape = await responseShapes(api);
  });
  after(() => api.close());

  /** Below 500, and the envelope for errors or the documented shape for successes. */
  function assertWellFormed(route: RouteCase, res: ApiResponse, input: unknown) {
    const where = `${routeName(route)} ← ${JSON.stringify(input)?.slice(0, 300)}: ${res.status} ${res.text.slice(0, 300)}`;
    assert.ok(res.status < 500, where);
    assert.match(res.headers.get('x-request-id') ?? '', /^req_/, where);
    if (res.status >= 400) assertErrorEnvelope(res, res.status);
    else assert.equal(checkShape(route, res), undefined, where);
  }

  describe('JSON bodies', () => {
    for (const route of routes.filter((r) => r.method !== 'GET')) {
      test(routeName(route), async () => {
        const { key } = await api.newOrg();
        const req = await route.prepare(api, key);
        let errors = 0;
        await fc.assert(
          fc.asyncProperty(bodies(req.body), async (b) => {
            const res = await api.request(route.method, req.path, {
              key,
              rawBody: b.rawBody,
              headers: b.contentType ? { 'content-type': b.contentType } : {},
            });
            assertWellFormed(route, res, b);
            if (res.status >= 400) errors++;
          }),
          params(),
        );
        // The generators reach the validation layer, not just the happy path.
        assert.ok(errors > 0);
      });
    }
  });

  describe('every field of every body gets the literals most likely to break storage (systematic)', () => {
    // Each field gets every one of these; the other literals go round-robin over the fields.
    const EVERY_FIELD = ['"a\\u0000b"', '"\\ud800"', '1e309', '{"__proto__":{"isAdmin":true}}', LONG_STRING];
    for (const route of routes.filter((r) => r.hasBody)) {
      test(routeName(route), async () => {
        const { key } = await api.newOrg();
        const req = await route.prepare(api, key);
        const fields = [...Object.keys(req.body as object), '__proto__', 'constructor'];
        const cases = [
          ...fields.flatMap((field) => EVERY_FIELD.map((raw) => [field, raw] as const)),
          ...RAW_VALUES.map((raw, i) => [fields[i % fields.length]!, raw] as const),
        ];
        let rejected = 0;
        for (const [field, raw] of cases) {
          const rawBody = withField(req.body, field, raw);
          const res = await api.request(route.method, req.path, { key, rawBody });
          assertWellFormed(route, res, rawBody.slice(0, 200));
          if (res.status >= 400) rejected++;
        }
        assert.ok(rejected >= fields.length * 2, `${rejected} rejections`);
      });
    }
  });

  describe('query strings', () => {
    for (const route of routes.filter((r) => r.method === 'GET')) {
      test(routeName(route), async () => {
        const { key } = await api.newOrg();
        const req = await route.prepare(api, key);
        await fc.assert(
          fc.asyncProperty(queries(route.query), async (q) => {
            const res = await api.request('GET', req.path + q, { key });
            assertWellFormed(route, res, q);
          }),
          params(),
        );
      });
    }
  });

  describe('path parameters', () => {
    const segment = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }).map(encode),
      fc.constantFrom(...ODD_KEYS).map(encode),
      fc.uuid().map(String),
      fc.constantFrom(
        '%00',
        'a%00b',
        '%ff',
        '%',
        '..',
        '%2e%2e',
        '%2F',
        'pn_' + '0'.repeat(26),
        'key_' + 'Z'.repeat(26),
        'vs_' + 'A'.repeat(26),
        '00000000-0000-0000-0000-000000000000',
        'x'.repeat(499),
        'x'.repeat(501),
        'openai%00',
        'OPENAI',
        'local',
        '__proto__',
        'constructor',
      ),
    );
    for (const route of routes.filter((r) => /\{\w+\}/.test(r.path))) {
      test(routeName(route), async () => {
        const { key } = await api.newOrg();
        const req = await route.prepare(api, key);
        await fc.assert(
          fc.asyncProperty(segment, async (s) => {
            // An empty segment is another route (the collection), not a parameter.
            fc.pre(s.length > 0);
            const path = route.path.replace(/\{\w+\}/, s);
            const res = await api.request(route.method, path, {
              key,
              ...(req.body !== undefined ? { body: req.body } : {}),
            });
            assertWellFormed(route, res, path);
            // A made-up identifier never names an existing resource.
            if (res.status < 300) assert.match(route.path, /\{slug\}/, `${path} → ${res.status}`);
          }),
          params(),
        );
      });
    }
  });

  test('x-api-key headers: anything but a live key is 401', async () => {
    const { key } = await api.newOrg();
    const header = fc.oneof(
      fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 200 }),
      fc
        .string({ unit: fc.constantFrom(...'0123456789abcdefXYZ'), minLength: 32, maxLength: 60 })
        .map((s) => `pk_live_${s}`),
      fc.integer({ min: 1, max: key.length - 1 }).map((n) => key.slice(0, n)),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...scopedRoutes), header, async (route, k) => {
        const value = k.trim();
        fc.pre(value.length > 0 && value !== key);
        const res = await api.request(route.method, route.path.replace(/\{\w+\}/, 'x'), { key: value });
        assertErrorEnvelope(res, 401, 'UNAUTHORIZED');
      }),
      params(RUNS * 2),
    );
  });
});
