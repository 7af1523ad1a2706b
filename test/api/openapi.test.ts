import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startTestApi, type TestApi } from '../helpers/api.ts';
import { responseShapes, routeName, routes, send } from '../helpers/routes.ts';

describe('OpenAPI document', () => {
  let api: TestApi;
  let doc: any;
  before(async () => {
    api = await startTestApi();
    const res = await api.request('GET', '/docs/json');
    assert.equal(res.status, 200, res.text);
    doc = res.body;
  });
  after(() => api.close());

  const operation = (r: (typeof routes)[number]) => doc.paths[r.path]?.[r.method.toLowerCase()];

  test('GET /docs/json is served without a key, as JSON', async () => {
    const res = await api.request('GET', '/docs/json');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.match(res.headers.get('x-request-id') ?? '', /^req_/);
    assert.equal(res.headers.get('x-ratelimit-limit'), null, 'public routes are not rate limited per org');
  });

  test('validates as OpenAPI 3.1, with every $ref resolvable', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    assert.deepEqual(result.errors, undefined);
    assert.equal(result.valid, true);
    assert.equal(validator.version, '3.1');
    assert.match(doc.openapi, /^3\.1\./);
    // Throws on a dangling reference such as #/components/schemas/Agent without the component.
    assert.doesNotThrow(() => validator.resolveRefs());
    assert.equal(doc.info.title, 'Parley API');
    assert.ok(doc.info.version);
  });

  test('the shared shapes are components, referenced rather than inlined', () => {
    for (const name of [
      'Agent',
      'PhoneNumber',
      'ApiKey',
      'Voice',
      'Model',
      'Provider',
      'VoiceSession',
      'Error',
    ]) {
      assert.equal(doc.components.schemas?.[name]?.type, 'object', name);
    }
    const text = JSON.stringify(doc.paths);
    const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]);
    assert.ok(refs.length > 0);
    for (const ref of new Set(refs)) assert.ok(doc.components.schemas[ref!], `dangling $ref ${ref}`);
  });

  test('the x-api-key security scheme is declared and applied', () => {
    assert.deepEqual(doc.components.securitySchemes.apiKey, {
      type: 'apiKey',
      in: 'header',
      name: 'x-api-key',
    });
    assert.deepEqual(doc.security, [{ apiKey: [] }]);
  });

  test('lists every route of the table with its methods, and nothing else', () => {
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    assert.deepEqual(documented, routes.map(routeName).sort());
    for (const path of Object.keys(doc.paths)) assert.doesNotMatch(path, /^\/docs/);
  });

  describe('each operation', () => {
    for (const route of routes) {
      test(routeName(route), () => {
        const op = operation(route);
        assert.ok(op, 'missing');
        assert.equal(typeof op.summary, 'string');
        assert.ok(op.tags?.length, 'tagged');
        const ok = Object.keys(op.responses).filter((s) => s.startsWith('2'));
        assert.equal(ok.length, 1, `one success status: ${ok}`);
        if (route.scope) {
          // The global security applies; the scope is named; auth failures are documented.
          assert.equal(op.security, undefined);
          assert.match(op.description, new RegExp(`Scope: \`${route.scope}\`\\.`));
          for (const status of ['400', '401', '403', '404', '429']) {
            assert.equal(
              op.responses[status]?.content?.['application/json']?.schema?.$ref,
              '#/components/schemas/Error',
              `${status} documented`,
            );
          }
        } else {
          assert.deepEqual(op.security, []);
        }
        const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        const declared = (op.parameters ?? []) as { in: string; name: string; required?: boolean }[];
        assert.deepEqual(
          declared.filter((p) => p.in === 'path').map((p) => [p.name, p.required]),
          pathParams.map((n) => [n, true]),
        );
        assert.deepEqual(
          declared
            .filter((p) => p.in === 'query')
            .map((p) => p.name)
            .sort(),
          [...route.query].sort(),
        );
        if (route.hasBody) {
          assert.equal(op.requestBody?.content?.['application/json']?.schema?.type, 'object');
        } else {
          assert.equal(op.requestBody, undefined);
        }
      });
    }
  });

  test('the documented schemas describe the real responses of every route', async () => {
    const checkShape = await responseShapes(api);
    const { key } = await api.newOrg();
    for (const route of routes) {
      const req = await route.prepare(api, key);
      const res = await send(api, route, req, key);
      assert.equal(res.status, req.expect, `${routeName(route)}: ${res.text}`);
      assert.ok(
        operation(route).responses[String(req.expect)],
        `${routeName(route)} documents ${req.expect}`,
      );
      assert.equal(checkShape(route, res), undefined);
      if (route.scope) {
        const unauthorized = await send(api, route, req, null);
        assert.equal(unauthorized.status, 401);
        assert.equal(checkShape(route, unauthorized), undefined);
      }
    }
  });

  test('the shape check is strict: extra or missing fields fail it', async () => {
    const checkShape = await responseShapes(api);
    const { key } = await api.newOrg();
    const route = routes.find((r) => routeName(r) === 'GET /v2/chat/agents/{id}')!;
    const req = await route.prepare(api, key);
    const res = await send(api, route, req, key);
    assert.equal(checkShape(route, res), undefined);
    const withExtra = { ...res, body: { ...res.body, hash: 'x' } };
    assert.match(checkShape(route, withExtra) ?? '', /additional properties/);
    const { fullName: _omit, ...rest } = res.body;
    assert.match(checkShape(route, { ...res, body: rest }) ?? '', /fullName/);
    assert.match(checkShape(route, { ...res, status: 418 }) ?? '', /not documented/);
  });

  test('GET /docs serves the HTML docs UI without a key', async () => {
    for (const path of ['/docs', '/docs/']) {
      const res = await api.request('GET', path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(res.text, /<html/i);
      assert.match(res.text, /swagger-ui/i);
    }
    const init = await api.request('GET', '/docs/static/swagger-initializer.js');
    assert.equal(init.status, 200);
    assert.match(init.text, /SwaggerUIBundle/);
    const yaml = await api.request('GET', '/docs/yaml');
    assert.equal(yaml.status, 200);
    assert.match(yaml.text, /^openapi: 3\.1\./m);
  });
});
