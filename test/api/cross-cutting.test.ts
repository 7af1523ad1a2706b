import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApi, type ApiResponse, type TestApi } from '../helpers/api.ts';
import { basicAgent } from '../helpers/fixtures.ts';
import { assertErrorEnvelope, routeName, routes, scopedRoutes, send } from '../helpers/routes.ts';

/** Sends raw bytes and returns the raw HTTP answer (for requests fetch refuses to make). */
function rawHttp(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(request));
    let out = '';
    socket.setEncoding('utf8');
    // The server must answer and close; a socket left open fails the test instead of hanging it.
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no answer; got so far: ${out}`)));
    socket.on('data', (d) => (out += d));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
  });
}

/** Parses a raw HTTP/1.1 answer into status, lower-cased headers and JSON body. */
function parseRaw(raw: string): ApiResponse {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = new Headers();
  for (const l of lines) {
    const i = l.indexOf(':');
    headers.append(l.slice(0, i).trim(), l.slice(i + 1).trim());
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: parsed, text: body };
}

describe('cross-cutting', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(() => api.close());

  describe('unknown routes → 404 NOT_FOUND envelope', () => {
    const cases: [string, string][] = [
      ['GET', '/'],
      ['GET', '/nope'],
      ['POST', '/nope'],
      ['PUT', '/v1/chat/agents'],
      ['PATCH', '/v1/voice/voices'],
      ['DELETE', '/v1/chat/api-keys'],
      ['GET', '/v1/chat/agents/123/extra'],
      ['POST', '/v2/chat/agents/123'],
      ['GET', '/v3/chat/agents'],
      ['OPTIONS', '/v1/chat/agents'],
      ['GET', '/V1/CHAT/AGENTS'],
    ];
    for (const [method, path] of cases) {
      test(`${method} ${path}`, async () => {
        const { key } = await api.newOrg();
        for (const k of [null, key]) {
          const res = await api.request(method, `${path}?token=secret`, { key: k });
          assertErrorEnvelope(res, 404, 'NOT_FOUND');
          assert.match(res.body.error.message, new RegExp(`^Route ${method} `));
          assert.doesNotMatch(res.body.error.message, /secret/, 'the query string is not echoed');
        }
      });
    }
  });

  describe('malformed requests → 400 VALIDATION_ERROR envelope', () => {
    for (const route of routes.filter((r) => r.hasBody)) {
      test(`${routeName(route)}: malformed JSON, empty JSON body, JSON null, wrong content-type`, async () => {
        const { key } = await api.newOrg();
        const req = await route.prepare(api, key);
        const valid = JSON.stringify(req.body);
        for (const rawBody of ['{"a":', valid.slice(0, -1), '{,}', "{'a':1}", 'nul', '\u0000', `${valid}}`]) {
          const res = await api.request(route.method, req.path, { key, rawBody });
          assertErrorEnvelope(res, 400, 'VALIDATION_ERROR');
          assert.equal(res.body.error.message, 'The body is not valid JSON.', rawBody);
        }
        const empty = await api.request(route.method, req.path, { key, rawBody: '' });
        assertErrorEnvelope(empty, 400, 'VALIDATION_ERROR');
        for (const rawBody of ['null', '[]', '"text"', '42']) {
          assertErrorEnvelope(
            await api.request(route.method, req.path, { key, rawBody }),
            400,
            'VALIDATION_ERROR',
          );
        }
        const xml = await api.request(route.method, req.path, {
          key,
          rawBody: valid,
          headers: { 'content-type': 'application/xml' },
        });
        assertErrorEnvelope(xml, 400, 'VALIDATION_ERROR');
        // None of it had an effect: the valid request still succeeds.
        const ok = await send(api, route, req, key);
        assert.equal(ok.status, req.expect, ok.text);
      });
    }

    test('validation errors name the field', async () => {
      const { key } = await api.newOrg();
      const res = await api.request('POST', '/v2/chat/agents', { key, body: basicAgent({ fullName: 42 }) });
      assertErrorEnvelope(res, 400, 'VALIDATION_ERROR');
      assert.deepEqual(
        res.body.error.details.map((d: { field: string }) => d.field),
        ['fullName'],
      );
    });

    test('a body over the size limit', async () => {
      const { key } = await api.newOrg();
      const res = await api.request('POST', '/v2/chat/agents', {
        key,
        body: basicAgent({ systemPrompt: 'x'.repeat(300 * 1024) }),
      });
      assertErrorEnvelope(res, 400, 'VALIDATION_ERROR');
      assert.match(res.body.error.message, /too large/);
    });

    test('a malformed percent-encoding in the path', async () => {
      const { key } = await api.newOrg();
      const res = await api.request('GET', '/v2/chat/agents/%E0%A4%A', { key });
      assertErrorEnvelope(res, 400, 'VALIDATION_ERROR');
    });

    test('a path parameter over the router limit', async () => {
      const { key } = await api.newOrg();
      const res = await api.request('GET', `/v2/chat/agents/${'a'.repeat(600)}`, { key });
      assertErrorEnvelope(res, 400, 'VALIDATION_ERROR');
    });

    test('NUL characters in bodies and query strings are rejected, not sent to the database', async () => {
      const { key } = await api.newOrg();
      const body = await api.request('POST', '/v2/chat/agents', {
        key,
        body: basicAgent({ ttsModelParams: { voice: 'a\u0000b' } }),
      });
      assertErrorEnvelope(body, 400, 'VALIDATION_ERROR');
      assert.deepEqual(body.body.error.details, [
        { field: 'ttsModelParams.voice', message: 'Contains a NUL character.' },
      ]);
      const query = await api.request('GET', '/v1/chat/agents?search=%00', { key });
      assertErrorEnvelope(query, 400, 'VALIDATION_ERROR');
      for (const path of [
        '/v1/voice/sessions/vs_%00',
        '/v1/chat/phone-numbers/pn_%00',
        '/v2/chat/agents/%00',
      ]) {
        const method = path.includes('phone') ? 'DELETE' : 'GET';
        assertErrorEnvelope(await api.request(method, path, { key }), 404, 'NOT_FOUND');
      }
    });

    test('a URL larger than the HTTP parser accepts', async () => {
      const { key } = await api.newOrg();
      const res = await api.request('GET', `/v1/chat/agents?search=${'x'.repeat(20_000)}`, { key });
      assertErrorEnvelope(res, 400, 'VALIDATION_ERROR');
    });

    test('a request that is not HTTP at all', async () => {
      const res = parseRaw(await rawHttp(api.url, 'HELLO /v1/chat/agents HTTP/1.1\r\n\r\n'));
      assertErrorEnvelope(res, 400, 'VALIDATION_ERROR');
    });

    test('a Content-Length that does not match the body', async () => {
      const { key } = await api.newOrg();
      const raw = await rawHttp(
        api.url,
        'POST /v2/chat/agents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
          `x-api-key: ${key}\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{"fullName":"x"}`,
      );
      const res = parseRaw(raw);
      assertErrorEnvelope(res, 400, 'VALIDATION_ERROR');
    });
  });

  describe('request ids', () => {
    test('every response carries a unique req_ id, errors echo it in meta', async () => {
      const { key } = await api.newOrg();
      const seen = new Set<string>();
      const calls: [string, string, string | null][] = [
        ['GET', '/healthz', null],
        ['GET', '/docs/json', null],
        ['GET', '/v1/chat/agents', key],
        ['GET', '/v1/chat/agents', null],
        ['GET', '/v2/chat/agents/nope', key],
        ['GET', '/nope', null],
        ['POST', '/v2/chat/agents', key],
      ];
      for (let i = 0; i < 5; i++) {
        for (const [method, path, k] of calls) {
          const res = await api.request(method, path, {
            key: k,
            headers: { 'x-request-id': 'req_client_chosen' },
          });
          const id = res.headers.get('x-request-id') ?? '';
          assert.match(id, /^req_[0-9a-z]{26}$/, `${method} ${path}`);
          assert.ok(!seen.has(id), `duplicate ${id}`);
          seen.add(id);
          if (res.status >= 400) assert.equal(res.body.meta.requestId, id);
        }
      }
      assert.equal(seen.size, calls.length * 5);
    });

    test('concurrent requests get distinct ids', async () => {
      const { key } = await api.newOrg();
      const all = await Promise.all(
        Array.from({ length: 40 }, () => api.request('GET', '/v1/voice/providers', { key })),
      );
      const ids = all.map((r) => r.headers.get('x-request-id'));
      assert.ok(all.every((r) => r.status === 200));
      assert.equal(new Set(ids).size, ids.length);
    });
  });

  describe('pagination is clamped on every list endpoint', () => {
    for (const route of routes.filter((r) => r.paginated)) {
      test(routeName(route), async () => {
        const { key } = await api.newOrg();
        let path = '';
        for (let i = 0; i < 3; i++) path = (await route.prepare(api, key)).path;
        const page = async (query: string) => {
          const res = await api.request('GET', `${path}?${query}`, { key });
          assert.equal(res.status, 200, `${query}: ${res.text}`);
          assert.deepEqual(Object.keys(res.body).sort(), ['data', 'pagination']);
          return res.body as { data: { id: string }[]; pagination: Record<string, number> };
        };
        const cases: [string, Record<string, number>, number][] = [
          ['', { page: 1, limit: 20, total: 3, totalPages: 1 }, 3],
          ['page=0&limit=1000', { page: 1, limit: 100, total: 3, totalPages: 1 }, 3],
          ['page=-7&limit=0', { page: 1, limit: 1, total: 3, totalPages: 3 }, 1],
          ['page=abc&limit=-5', { page: 1, limit: 1, total: 3, totalPages: 3 }, 1],
          ['page=2&limit=2', { page: 2, limit: 2, total: 3, totalPages: 2 }, 1],
          ['page=2.9&limit=2.9', { page: 2, limit: 2, total: 3, totalPages: 2 }, 1],
          ['page=1e308&limit=1e308', { page: 1, limit: 20, total: 3, totalPages: 1 }, 3],
          ['page=99999999999999999999&limit=1', { page: 1_000_000, limit: 1, total: 3, totalPages: 3 }, 0],
          ['page=4&limit=1', { page: 4, limit: 1, total: 3, totalPages: 3 }, 0],
          ['page=&limit=', { page: 1, limit: 20, total: 3, totalPages: 1 }, 3],
          ['page=%201%20&limit=%202', { page: 1, limit: 2, total: 3, totalPages: 2 }, 2],
        ];
        for (const [query, pagination, count] of cases) {
          const body = await page(query);
          assert.deepEqual(body.pagination, pagination, query);
          assert.equal(body.data.length, count, query);
        }
        // Pages partition the collection: no item twice, none missing.
        const ids = [
          ...(await page('page=1&limit=1')).data,
          ...(await page('page=2&limit=1')).data,
          ...(await page('page=3&limit=1')).data,
        ].map((d) => d.id);
        assert.equal(new Set(ids).size, 3);
        assert.deepEqual([...ids].sort(), (await page('limit=100')).data.map((d) => d.id).sort());
        // Repeated parameters are a client error, not a crash.
        const repeated = await api.request('GET', `${path}?page=1&page=2`, { key });
        assertErrorEnvelope(repeated, 400, 'VALIDATION_ERROR');
      });
    }

    test('catalog lists are not paginated: {data} only', async () => {
      const { key } = await api.newOrg();
      for (const path of ['/v1/voice/voices', '/v1/voice/models', '/v1/voice/providers', '/v1/chat/models']) {
        const res = await api.request('GET', `${path}?page=2&limit=1`, { key });
        assert.equal(res.status, 200, path);
        assert.deepEqual(Object.keys(res.body), ['data'], path);
        assert.ok(res.body.data.length > 1, path);
      }
    });
  });

  describe('HEAD', () => {
    test('HEAD on a scoped route needs the key too', async () => {
      const { key } = await api.newOrg();
      for (const route of scopedRoutes.filter((r) => r.method === 'GET')) {
        const req = await route.prepare(api, key);
        const anon = await fetch(api.url + req.path, { method: 'HEAD' });
        assert.equal(anon.status, 401, routeName(route));
        assert.match(anon.headers.get('x-request-id') ?? '', /^req_/);
        const ok = await fetch(api.url + req.path, { method: 'HEAD', headers: { 'x-api-key': key } });
        assert.equal(ok.status, 200, routeName(route));
      }
    });
  });

  describe('GET /healthz', () => {
    test('answers without a key, with the database state', async () => {
      for (const key of [null, 'garbage']) {
        const res = await api.request('GET', '/healthz', { key });
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
        assert.match(res.headers.get('x-request-id') ?? '', /^req_/);
        assert.equal(res.body.status, 'ok');
        assert.match(res.body.database, /^ok \(pglite\)$/);
        assert.equal(res.headers.get('x-ratelimit-limit'), null);
      }
    });
  });
});

describe('rate limiting', () => {
  const MAX = 5;
  const WINDOW_SECONDS = 60;
  let api: TestApi;
  before(async () => {
    api = await startTestApi({ rateLimit: { max: MAX, windowSeconds: WINDOW_SECONDS } });
  });
  after(() => api.close());

  /** Windows are fixed (aligned to the epoch): start a sequence well inside one so it is not split. */
  async function awayFromWindowEdge() {
    const msLeft = WINDOW_SECONDS * 1000 - (Date.now() % (WINDOW_SECONDS * 1000));
    if (msLeft < 10_000) await sleep(msLeft + 200);
  }

  function assertLimitHeaders(res: ApiResponse, remaining: number) {
    assert.equal(res.headers.get('x-ratelimit-limit'), String(MAX));
    assert.equal(res.headers.get('x-ratelimit-remaining'), String(remaining));
    const reset = Number(res.headers.get('x-ratelimit-reset'));
    const now = Date.now() / 1000;
    assert.ok(reset > now && reset <= Math.ceil(now) + WINDOW_SECONDS, `reset ${reset} vs now ${now}`);
  }

  test('X-RateLimit-* on every authenticated response; the 6th request → 429 with Retry-After', async () => {
    await awayFromWindowEdge();
    const { key } = await api.newOrg();
    // Successes and errors alike count and carry the headers.
    const paths = [
      '/v1/chat/agents',
      '/v2/chat/agents/00000000-0000-4000-8000-000000000000',
      '/v1/voice/voices',
    ];
    for (let i = 0; i < MAX; i++) {
      const res = await api.request('GET', paths[i % paths.length]!, { key });
      assert.ok(res.status === 200 || res.status === 404, res.text);
      assertLimitHeaders(res, MAX - i - 1);
    }
    for (const path of paths) {
      const limited = await api.request('GET', path, { key });
      assertErrorEnvelope(limited, 429, 'RATE_LIMITED');
      assertLimitHeaders(limited, 0);
      const retryAfter = Number(limited.headers.get('retry-after'));
      assert.ok(
        Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= WINDOW_SECONDS,
        `${retryAfter}`,
      );
      const reset = Number(limited.headers.get('x-ratelimit-reset'));
      assert.ok(Math.abs(Date.now() / 1000 + retryAfter - reset) <= 1.5, 'Retry-After points at the reset');
      assert.match(limited.body.error.message, /retry/i);
    }
    // Writes are limited as well, before any validation or side effect.
    const write = await api.request('POST', '/v2/chat/agents', { key, body: basicAgent() });
    assertErrorEnvelope(write, 429, 'RATE_LIMITED');
  });

  test('another organization is unaffected', async () => {
    await awayFromWindowEdge();
    const busy = await api.newOrg();
    const calm = await api.newOrg();
    for (let i = 0; i <= MAX; i++) await api.request('GET', '/v1/chat/agents', { key: busy.key });
    assertErrorEnvelope(await api.request('GET', '/v1/chat/agents', { key: busy.key }), 429, 'RATE_LIMITED');
    const res = await api.request('GET', '/v1/chat/agents', { key: calm.key });
    assert.equal(res.status, 200);
    assertLimitHeaders(res, MAX - 1);
  });

  test('the limit is per organization, shared by its keys', async () => {
    await awayFromWindowEdge();
    const { key } = await api.newOrg();
    const created = await api.request('POST', '/v1/chat/api-keys', { key, body: { name: 'second' } });
    assert.equal(created.status, 201);
    for (let i = 0; i < MAX - 1; i++) await api.request('GET', '/v1/chat/agents', { key });
    assertErrorEnvelope(
      await api.request('GET', '/v1/chat/agents', { key: created.body.key }),
      429,
      'RATE_LIMITED',
    );
  });

  test('public routes and unauthenticated requests are not counted against an organization', async () => {
    await awayFromWindowEdge();
    const { key } = await api.newOrg();
    for (let i = 0; i < MAX * 2; i++) {
      const health = await api.request('GET', '/healthz');
      assert.equal(health.status, 200);
      assert.equal(health.headers.get('x-ratelimit-limit'), null);
      const anon = await api.request('GET', '/v1/chat/agents');
      assertErrorEnvelope(anon, 401, 'UNAUTHORIZED');
      assert.equal(anon.headers.get('x-ratelimit-limit'), null);
    }
    const res = await api.request('GET', '/v1/chat/agents', { key });
    assert.equal(res.status, 200);
    assertLimitHeaders(res, MAX - 1);
  });
});
