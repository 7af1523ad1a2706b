import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { SCOPES } from '../../src/domain/context.ts';
import { startTestApi, type ApiResponse, type TestApi } from '../helpers/api.ts';
import {
  assertErrorEnvelope,
  createKey,
  createSession,
  responseShapes,
  routeName,
  routes,
  scopedRoutes,
  secretCredential,
  send,
  type PreparedRequest,
  type RouteCase,
} from '../helpers/routes.ts';

/** `{method path}` of every route Fastify registered, read from its route tree (HEAD excluded). */
function registeredRoutes(api: TestApi): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of api.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ├└─]*)(\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const path = stack.join('').replace(/:(\w+)/g, '{$1}');
    for (const method of (m[3] ?? '').split(', ').filter(Boolean)) {
      if (method === 'HEAD') continue;
      out.push(`${method} ${path}`);
    }
  }
  return out.sort();
}

describe('security', () => {
  let api: TestApi;
  let checkShape: Awaited<ReturnType<typeof responseShapes>>;
  before(async () => {
    api = await startTestApi();
    checkShape = await responseShapes(api);
  });
  after(() => api.close());

  /** The owner's own request still works (and has the documented shape) after an attack on it. */
  async function ownerSucceeds(route: RouteCase, req: PreparedRequest, key: string) {
    const res = await send(api, route, req, key);
    assert.equal(res.status, req.expect, `${routeName(route)}: ${res.text}`);
    assert.equal(checkShape(route, res), undefined);
    return res;
  }

  test('the route table covers exactly the documented routes; the others are public static pages', async () => {
    const table = routes.map(routeName).sort();
    assert.equal(new Set(table).size, table.length, 'duplicate rows in the route table');
    const doc = (await api.request('GET', '/docs/json')).body;
    const documented = Object.entries(doc.paths as Record<string, object>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    assert.deepEqual(documented, table);
    for (const r of routes) {
      const op = doc.paths[r.path][r.method.toLowerCase()];
      if (r.scope) assert.match(op.description, new RegExp(`Scope: \`${r.scope}\``), routeName(r));
      else assert.deepEqual(op.security, [], `${routeName(r)} is public`);
    }

    const registered = registeredRoutes(api);
    assert.deepEqual(
      table.filter((r) => !registered.includes(r)),
      [],
      'rows of the table Fastify does not serve',
    );
    // A route outside the table is only acceptable as a static page hidden from the API document
    // (the docs UI, the playground): a GET that answers without a key and is not rate limited,
    // so it cannot be reading an organization's data.
    const extra = registered.filter((r) => !table.includes(r));
    for (const route of extra) {
      const [method, path] = route.split(' ') as [string, string];
      assert.equal(method, 'GET', `${route} is not in test/helpers/routes.ts`);
      const res = await api.request('GET', path.replace(/\*$/, 'index.html').replace(/\{\w+\}/g, 'x'));
      assert.ok(res.status !== 401 && res.status !== 403, `${route} needs a key: add it to the route table`);
      assert.equal(
        res.headers.get('x-ratelimit-limit'),
        null,
        `${route} is scoped: add it to the route table`,
      );
      assert.ok(/^\/(docs|playground)(\/|\*|$)/.test(path), `${route} is not in test/helpers/routes.ts`);
    }
  });

  test('every row of the table prepares a request its owner can make', async () => {
    const { key } = await api.newOrg();
    for (const route of routes) {
      const req = await route.prepare(api, key);
      await ownerSucceeds(route, req, key);
    }
  });

  describe('no API key → 401 UNAUTHORIZED', () => {
    for (const route of scopedRoutes) {
      test(routeName(route), async () => {
        const { key } = await api.newOrg();
        const req = await route.prepare(api, key);
        const res = await send(api, route, req, null);
        assertErrorEnvelope(res, 401, 'UNAUTHORIZED');
        assert.match(res.body.error.message, /x-api-key/);
        await ownerSucceeds(route, req, key);
      });
    }
  });

  describe('malformed or unknown API key → 401 UNAUTHORIZED', () => {
    for (const route of scopedRoutes) {
      test(routeName(route), async () => {
        const { key } = await api.newOrg();
        const req = await route.prepare(api, key);
        const bad = [
          'not-a-key',
          'pk_live_short',
          `pk_prod_${'A'.repeat(40)}`,
          `pk_live_${'A'.repeat(40)}`,
          `${key}x`,
          key.slice(0, -1),
          `Bearer ${key}`,
          ` ${key}0`,
          key.replace(/^pk_test_/, 'pk_live_'),
          `pk_live_${'a'.repeat(4000)}`,
          `${key},${key}`,
        ];
        for (const k of bad) {
          const res = await send(api, route, req, k);
          assertErrorEnvelope(res, 401, 'UNAUTHORIZED');
          assert.equal(res.body.error.message, 'Invalid API key.');
          assert.ok(!res.text.includes(key.slice(8)), 'the key is echoed back');
        }
        await ownerSucceeds(route, req, key);
      });
    }
  });

  describe('revoked API key → 401 UNAUTHORIZED', () => {
    for (const route of scopedRoutes) {
      test(routeName(route), async () => {
        const { key } = await api.newOrg();
        const other = await createKey(api, key);
        const req = await route.prepare(api, key);
        // The key works until it is revoked.
        assert.equal((await api.request('GET', '/v1/chat/api-keys', { key: other.key })).status, 200);
        const revoked = await api.request('POST', `/v1/chat/api-keys/${other.id}/revoke`, { key });
        assert.equal(revoked.status, 200, revoked.text);
        assert.equal(revoked.body.isActive, false);
        assert.ok(revoked.body.revokedAt);
        const res = await send(api, route, req, other.key);
        assertErrorEnvelope(res, 401, 'UNAUTHORIZED');
        assert.equal(res.body.error.message, 'Invalid API key.', 'a revoked key looks like an unknown one');
        await ownerSucceeds(route, req, key);
      });
    }
  });

  describe("another organization's key → 404 for its resources, never its data", () => {
    for (const route of scopedRoutes) {
      test(routeName(route), async () => {
        const owner = await api.newOrg();
        const req = await route.prepare(api, owner.key);
        const intruder = await api.newOrg();
        const leaks = (res: ApiResponse) =>
          [owner.orgId, owner.keyId, ...req.ids, ...req.secrets].filter((s) => res.text.includes(s));

        if (route.owned) {
          const res = await send(api, route, req, intruder.key);
          assertErrorEnvelope(res, 404, 'NOT_FOUND');
          assert.deepEqual(leaks(res), []);
          // The attempt changed nothing: the owner's request still does what it did.
          await ownerSucceeds(route, req, owner.key);
        } else {
          // Collections and catalogs answer with the caller's own data only.
          const own = await route.prepare(api, intruder.key);
          const res = await send(api, route, own, intruder.key);
          assert.equal(res.status, own.expect, res.text);
          assert.deepEqual(leaks(res), []);
          if (route.paginated) {
            // Sessions carry no orgId; agents and phone numbers do.
            for (const item of res.body.data as { orgId?: string }[]) {
              if ('orgId' in item) assert.equal(item.orgId, intruder.orgId);
            }
            assert.equal(res.body.pagination.total, res.body.data.length);
          }
        }
      });
    }

    test('a provider configured by one organization is not configured for another', async () => {
      const owner = await api.newOrg();
      const intruder = await api.newOrg();
      const put = await api.request('PUT', '/v1/voice/providers/deepgram', {
        key: owner.key,
        body: { apiKey: secretCredential() },
      });
      assert.equal(put.status, 200, put.text);
      const slug = (res: ApiResponse) =>
        res.body.data.find((p: { slug: string }) => p.slug === 'deepgram') as {
          configured: boolean;
          isActive: boolean;
        };
      const mine = await api.request('GET', '/v1/voice/providers', { key: owner.key });
      assert.equal(slug(mine).configured, true);
      assert.equal(slug(mine).isActive, true);
      const theirs = await api.request('GET', '/v1/voice/providers', { key: intruder.key });
      assert.equal(slug(theirs).configured, false);
      assert.equal(slug(theirs).isActive, false);
      const del = await api.request('DELETE', '/v1/voice/providers/deepgram', { key: intruder.key });
      assertErrorEnvelope(del, 404, 'NOT_FOUND');
      assert.equal(
        slug(await api.request('GET', '/v1/voice/providers', { key: owner.key })).configured,
        true,
      );
    });

    test('filtering sessions by another organization’s agent returns nothing', async () => {
      const owner = await api.newOrg();
      const intruder = await api.newOrg();
      const { agentId, sessionId } = await createSession(api, owner.key);
      const own = await api.request('GET', `/v1/voice/sessions?agentId=${agentId}`, { key: owner.key });
      assert.deepEqual(
        own.body.data.map((s: { id: string }) => s.id),
        [sessionId],
      );
      const res = await api.request('GET', `/v1/voice/sessions?agentId=${agentId}`, { key: intruder.key });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.data, []);
      assert.equal(res.body.pagination.total, 0);
      assert.ok(!res.text.includes(sessionId));
    });
  });

  describe('a key without the scope → 403 FORBIDDEN', () => {
    for (const route of scopedRoutes) {
      test(routeName(route), async () => {
        const { key } = await api.newOrg();
        const req = await route.prepare(api, key);
        // Every other scope, including the :write of another area; not the one that implies it.
        const implied = route.scope.replace(/:read$/, ':write');
        const others = SCOPES.filter((s) => s !== route.scope && s !== implied);
        const limited = await createKey(api, key, [...others]);
        const res = await send(api, route, req, limited.key);
        assertErrorEnvelope(res, 403, 'FORBIDDEN');
        assert.ok(res.body.error.message.includes(route.scope), res.body.error.message);
        await ownerSucceeds(route, req, key);
      });
    }
  });

  describe('a key with exactly the scope is allowed', () => {
    for (const route of scopedRoutes) {
      test(routeName(route), async () => {
        const { key } = await api.newOrg();
        const req = await route.prepare(api, key);
        const exact = await createKey(api, key, [route.scope]);
        await ownerSucceeds(route, req, exact.key);
      });
    }
  });

  describe(':write implies :read', () => {
    for (const route of scopedRoutes.filter((r) => r.scope.endsWith(':read'))) {
      test(routeName(route), async () => {
        const { key } = await api.newOrg();
        const req = await route.prepare(api, key);
        const writer = await createKey(api, key, [route.scope.replace(/:read$/, ':write')]);
        await ownerSucceeds(route, req, writer.key);
      });
    }

    test(':read does not imply :write', async () => {
      const { key } = await api.newOrg();
      const reader = await createKey(api, key, ['agents:read', 'voice:read', 'phone-numbers:read']);
      for (const route of scopedRoutes.filter((r) => r.scope.endsWith(':write'))) {
        const req = await route.prepare(api, key);
        assertErrorEnvelope(await send(api, route, req, reader.key), 403, 'FORBIDDEN');
      }
    });
  });

  test('API key values never appear in any response but their own creation', async () => {
    const { key } = await api.newOrg();
    const values = [key, (await createKey(api, key)).key, (await createKey(api, key, ['voice:read'])).key];
    for (const route of routes) {
      const req = await route.prepare(api, key);
      const res = await send(api, route, req, key);
      assert.equal(res.status, req.expect, `${routeName(route)}: ${res.text}`);
      // Neither a whole key nor the secret part of one, in any form.
      const shown = values.filter((v) => res.text.includes(v) || res.text.includes(v.slice(12, 32)));
      assert.deepEqual(shown, [], `${routeName(route)} shows a key value`);
      if (routeName(route) === 'POST /v1/chat/api-keys') {
        assert.match(res.body.key, /^pk_test_[0-9A-Za-z]{40}$/);
        assert.equal(res.body.prefix, res.body.key.slice(0, 12));
        values.push(res.body.key);
      }
    }
    const list = await api.request('GET', '/v1/chat/api-keys', { key });
    assert.ok(list.body.data.length >= values.length);
    for (const item of list.body.data) {
      assert.equal(item.key, undefined);
      assert.equal(item.hash, undefined);
      assert.match(item.prefix, /^pk_(live|test)_[0-9A-Za-z]{4}$/);
    }
    assert.deepEqual(
      values.map((v) => list.body.data.some((i: { prefix: string }) => v.startsWith(i.prefix))),
      values.map(() => true),
    );
  });

  test('provider credentials are never returned by any endpoint, nor stored in clear', async () => {
    const { key, orgId } = await api.newOrg();
    const secrets: string[] = [];
    for (const slug of ['openai', 'deepgram', 'elevenlabs', 'cartesia', 'google', 'anthropic']) {
      const apiKey = secretCredential();
      secrets.push(apiKey);
      const res = await api.request('PUT', `/v1/voice/providers/${slug}`, { key, body: { apiKey } });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(Object.keys(res.body).sort(), [
        'capabilities',
        'configured',
        'id',
        'isActive',
        'local',
        'name',
        'slug',
      ]);
    }
    const compatible = secretCredential();
    secrets.push(compatible);
    const put = await api.request('PUT', '/v1/voice/providers/openai-compatible', {
      key,
      body: { apiKey: compatible, baseUrl: 'http://127.0.0.1:11434/v1' },
    });
    assert.equal(put.status, 200, put.text);
    for (const route of routes) {
      const req = await route.prepare(api, key);
      secrets.push(...req.secrets);
      const res = await send(api, route, req, key);
      assert.equal(res.status, req.expect, `${routeName(route)}: ${res.text}`);
      const shown = secrets.filter((s) => res.text.includes(s) || res.text.includes(s.slice(10)));
      assert.deepEqual(shown, [], `${routeName(route)} returns a provider credential`);
      assert.doesNotMatch(res.text, /encrypted|apiKey/i, routeName(route));
    }
    const stored = await api.db.database.db.execute(
      sql`select * from provider_credentials where org_id = ${orgId}`,
    );
    const rows = (stored as unknown as { rows: unknown[] }).rows;
    assert.ok(rows.length >= 6);
    const dump = JSON.stringify(rows);
    assert.deepEqual(
      secrets.filter((s) => dump.includes(s)),
      [],
      'credentials are stored in clear',
    );
  });
});
