import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { Scope } from '../../src/domain/context.ts';
import type { ApiResponse, TestApi } from './api.ts';
import { basicAgent, offlineVoiceAgent } from './fixtures.ts';

/** One concrete, valid call of a route for a given organization. */
export interface PreparedRequest {
  /** The concrete path (ids filled in), without a query string. */
  path: string;
  body?: unknown;
  /** The status the owner gets for this request. */
  expect: number;
  /**
   * Ids of the organization's resources this request names or was set up with (agents, numbers,
   * sessions, keys): another organization must never see them.
   */
  ids: string[];
  /** Secret values sent with the request (provider credentials) that no response may echo. */
  secrets: string[];
}

/** One route of the API, with what the cross-cutting suites need to exercise it. */
export interface RouteCase {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path as the OpenAPI document spells it (`{id}` parameters). */
  path: string;
  /** The scope the route needs; null for public routes. */
  scope: Scope | null;
  /**
   * Where the request names a resource owned by the organization: in the path (`/agents/{id}`),
   * in the body (`{agentId}`), or nowhere (collections, catalogs). Another organization naming it
   * gets 404.
   */
  owned: 'path' | 'body' | null;
  /** Paginated list (`?page&limit`, `{data, pagination}`). */
  paginated: boolean;
  /** The query parameters the route documents. */
  query: readonly string[];
  /** Takes a JSON body. */
  hasBody: boolean;
  /** Creates the prerequisite resources through the API and returns a valid request. */
  prepare(api: TestApi, key: string): Promise<PreparedRequest>;
}

let numberSeq = 0;
/** A phone number no other test of this process has registered (numbers are unique per deployment). */
export function uniqueNumber(): string {
  numberSeq++;
  return `+1555${String(1_000_000 + numberSeq).slice(-7)}`;
}

/** A provider credential that must never be returned. */
export const secretCredential = () => `sk-secret-${randomUUID()}`;

function expectStatus(res: ApiResponse, status: number, what: string) {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status}: ${res.text}`);
  return res;
}

/** Creates an agent through the API (a voice agent on the offline pipeline when `voice`). */
export async function createAgent(api: TestApi, key: string, voice = false): Promise<string> {
  const body = voice
    ? offlineVoiceAgent({ fullName: `Voice ${randomUUID()}` })
    : basicAgent({ fullName: `Agent ${randomUUID()}` });
  const res = await api.request('POST', '/v2/chat/agents', { key, body });
  return expectStatus(res, 201, 'create agent').body.id;
}

export async function createPhoneNumber(api: TestApi, key: string, agentId?: string): Promise<string> {
  const res = await api.request('POST', '/v1/chat/phone-numbers', {
    key,
    body: { provider: 'sip', number: uniqueNumber(), ...(agentId ? { agentId } : {}) },
  });
  return expectStatus(res, 201, 'create phone number').body.id;
}

export async function createSession(
  api: TestApi,
  key: string,
): Promise<{ sessionId: string; agentId: string }> {
  const agentId = await createAgent(api, key, true);
  const res = await api.request('POST', '/v1/voice/sessions', { key, body: { agentId } });
  return { sessionId: expectStatus(res, 201, 'create session').body.id, agentId };
}

/** Creates an API key through the API and returns its id and value. */
export async function createKey(
  api: TestApi,
  key: string,
  scopes: string[] = ['*'],
): Promise<{ id: string; key: string }> {
  const res = await api.request('POST', '/v1/chat/api-keys', { key, body: { name: 'extra', scopes } });
  expectStatus(res, 201, 'create api key');
  return { id: res.body.id, key: res.body.key };
}

async function configureOpenai(api: TestApi, key: string): Promise<string> {
  const secret = secretCredential();
  const res = await api.request('PUT', '/v1/voice/providers/openai', { key, body: { apiKey: secret } });
  expectStatus(res, 200, 'configure openai');
  return secret;
}

const plain = (path: string, expect = 200): PreparedRequest => ({ path, expect, ids: [], secrets: [] });

/** Every route the API registers. A route missing here fails the coverage test in security.test.ts. */
export const routes: readonly RouteCase[] = [
  {
    method: 'GET',
    path: '/healthz',
    scope: null,
    owned: null,
    paginated: false,
    query: [],
    hasBody: false,
    prepare: async () => plain('/healthz'),
  },
  {
    method: 'GET',
    path: '/v1/voice/voices',
    scope: 'voice:read',
    owned: null,
    paginated: false,
    query: ['provider', 'language', 'gender', 'search'],
    hasBody: false,
    prepare: async () => plain('/v1/voice/voices'),
  },
  {
    method: 'GET',
    path: '/v1/voice/models',
    scope: 'voice:read',
    owned: null,
    paginated: false,
    query: ['type', 'provider', 'language'],
    hasBody: false,
    prepare: async () => plain('/v1/voice/models'),
  },
  {
    method: 'GET',
    path: '/v1/chat/models',
    scope: 'agents:read',
    owned: null,
    paginated: false,
    query: ['provider', 'language'],
    hasBody: false,
    prepare: async () => plain('/v1/chat/models'),
  },
  {
    method: 'GET',
    path: '/v1/voice/providers',
    scope: 'voice:read',
    owned: null,
    paginated: false,
    query: [],
    hasBody: false,
    prepare: async (api, key) => {
      const secret = await configureOpenai(api, key);
      return { ...plain('/v1/voice/providers'), secrets: [secret] };
    },
  },
  {
    method: 'PUT',
    path: '/v1/voice/providers/{slug}',
    scope: 'voice:write',
    owned: null,
    paginated: false,
    query: [],
    hasBody: true,
    prepare: async () => {
      const secret = secretCredential();
      return { ...plain('/v1/voice/providers/elevenlabs'), body: { apiKey: secret }, secrets: [secret] };
    },
  },
  {
    method: 'DELETE',
    path: '/v1/voice/providers/{slug}',
    scope: 'voice:write',
    // The organization's stored credentials for the provider.
    owned: 'path',
    paginated: false,
    query: [],
    hasBody: false,
    prepare: async (api, key) => {
      const secret = await configureOpenai(api, key);
      return { ...plain('/v1/voice/providers/openai', 204), secrets: [secret] };
    },
  },
  {
    method: 'POST',
    path: '/v1/voice/sessions',
    scope: 'voice:write',
    owned: 'body',
    paginated: false,
    query: [],
    hasBody: true,
    prepare: async (api, key) => {
      const agentId = await createAgent(api, key, true);
      return { ...plain('/v1/voice/sessions', 201), body: { agentId }, ids: [agentId] };
    },
  },
  {
    method: 'GET',
    path: '/v1/voice/sessions',
    scope: 'voice:read',
    owned: null,
    paginated: true,
    query: ['page', 'limit', 'agentId', 'status', 'platform', 'direction'],
    hasBody: false,
    prepare: async (api, key) => {
      const { sessionId, agentId } = await createSession(api, key);
      return { ...plain('/v1/voice/sessions'), ids: [sessionId, agentId] };
    },
  },
  {
    method: 'GET',
    path: '/v1/voice/sessions/{id}',
    scope: 'voice:read',
    owned: 'path',
    paginated: false,
    query: [],
    hasBody: false,
    prepare: async (api, key) => {
      const { sessionId, agentId } = await createSession(api, key);
      return { ...plain(`/v1/voice/sessions/${sessionId}`), ids: [sessionId, agentId] };
    },
  },
  {
    method: 'POST',
    path: '/v1/voice/sessions/{id}/end',
    scope: 'voice:write',
    owned: 'path',
    paginated: false,
    query: [],
    hasBody: false,
    prepare: async (api, key) => {
      const { sessionId, agentId } = await createSession(api, key);
      return { ...plain(`/v1/voice/sessions/${sessionId}/end`), ids: [sessionId, agentId] };
    },
  },
  {
    method: 'GET',
    path: '/v1/chat/agents',
    scope: 'agents:read',
    owned: null,
    paginated: true,
    query: ['page', 'limit', 'search', 'isActive'],
    hasBody: false,
    prepare: async (api, key) => ({ ...plain('/v1/chat/agents'), ids: [await createAgent(api, key)] }),
  },
  {
    method: 'POST',
    path: '/v2/chat/agents',
    scope: 'agents:write',
    owned: null,
    paginated: false,
    query: [],
    hasBody: true,
    prepare: async () => ({ ...plain('/v2/chat/agents', 201), body: offlineVoiceAgent() }),
  },
  {
    method: 'GET',
    path: '/v2/chat/agents/{id}',
    scope: 'agents:read',
    owned: 'path',
    paginated: false,
    query: [],
    hasBody: false,
    prepare: async (api, key) => {
      const id = await createAgent(api, key, true);
      return { ...plain(`/v2/chat/agents/${id}`), ids: [id] };
    },
  },
  {
    method: 'PATCH',
    path: '/v2/chat/agents/{id}',
    scope: 'agents:write',
    owned: 'path',
    paginated: false,
    query: [],
    hasBody: true,
    prepare: async (api, key) => {
      const id = await createAgent(api, key, true);
      return {
        ...plain(`/v2/chat/agents/${id}`),
        body: { fullName: 'Renamed', isActive: false, voiceParams: { allowInterruptions: false } },
        ids: [id],
      };
    },
  },
  {
    method: 'DELETE',
    path: '/v2/chat/agents/{id}',
    scope: 'agents:write',
    owned: 'path',
    paginated: false,
    query: [],
    hasBody: false,
    prepare: async (api, key) => {
      const id = await createAgent(api, key);
      return { ...plain(`/v2/chat/agents/${id}`, 204), ids: [id] };
    },
  },
  {
    method: 'GET',
    path: '/v1/chat/phone-numbers',
    scope: 'phone-numbers:read',
    owned: null,
    paginated: true,
    query: ['page', 'limit'],
    hasBody: false,
    prepare: async (api, key) => {
      const agentId = await createAgent(api, key);
      const id = await createPhoneNumber(api, key, agentId);
      return { ...plain('/v1/chat/phone-numbers'), ids: [id, agentId] };
    },
  },
  {
    method: 'POST',
    path: '/v1/chat/phone-numbers',
    scope: 'phone-numbers:write',
    owned: 'body',
    paginated: false,
    query: [],
    hasBody: true,
    prepare: async (api, key) => {
      const agentId = await createAgent(api, key);
      return {
        ...plain('/v1/chat/phone-numbers', 201),
        body: { provider: 'twilio', number: uniqueNumber(), agentId },
        ids: [agentId],
      };
    },
  },
  {
    method: 'PATCH',
    path: '/v1/chat/phone-numbers/{id}',
    scope: 'phone-numbers:write',
    owned: 'path',
    paginated: false,
    query: [],
    hasBody: true,
    prepare: async (api, key) => {
      const agentId = await createAgent(api, key);
      const id = await createPhoneNumber(api, key);
      return {
        ...plain(`/v1/chat/phone-numbers/${id}`),
        body: { inBoundAgentId: agentId, outBoundAgentId: agentId },
        ids: [id, agentId],
      };
    },
  },
  {
    method: 'DELETE',
    path: '/v1/chat/phone-numbers/{id}',
    scope: 'phone-numbers:write',
    owned: 'path',
    paginated: false,
    query: [],
    hasBody: false,
    prepare: async (api, key) => {
      const id = await createPhoneNumber(api, key);
      return { ...plain(`/v1/chat/phone-numbers/${id}`, 204), ids: [id] };
    },
  },
  {
    method: 'GET',
    path: '/v1/chat/api-keys',
    scope: 'api-keys:manage',
    owned: null,
    paginated: false,
    query: [],
    hasBody: false,
    prepare: async (api, key) => ({ ...plain('/v1/chat/api-keys'), ids: [(await createKey(api, key)).id] }),
  },
  {
    method: 'POST',
    path: '/v1/chat/api-keys',
    scope: 'api-keys:manage',
    owned: null,
    paginated: false,
    query: [],
    hasBody: true,
    prepare: async () => ({
      ...plain('/v1/chat/api-keys', 201),
      body: { name: 'ci', description: 'deploys', scopes: ['agents:read'], environment: 'test' },
    }),
  },
  {
    method: 'POST',
    path: '/v1/chat/api-keys/{id}/revoke',
    scope: 'api-keys:manage',
    owned: 'path',
    paginated: false,
    query: [],
    hasBody: false,
    prepare: async (api, key) => {
      const { id } = await createKey(api, key);
      return { ...plain(`/v1/chat/api-keys/${id}/revoke`), ids: [id] };
    },
  },
];

/** The routes that need an API key. */
export const scopedRoutes = routes.filter((r): r is RouteCase & { scope: Scope } => r.scope !== null);

/** `GET /v2/chat/agents/{id}` for messages and test names. */
export const routeName = (r: Pick<RouteCase, 'method' | 'path'>) => `${r.method} ${r.path}`;

/** Sends a prepared request with the given key (null: none). */
export function send(api: TestApi, route: RouteCase, req: PreparedRequest, key: string | null, query = '') {
  return api.request(route.method, req.path + query, {
    key,
    ...(req.body !== undefined ? { body: req.body } : {}),
  });
}

/**
 * Checks response bodies against the schemas of the OpenAPI document the API serves, so a 2xx
 * answer is known to have the documented shape (and `x-api-key` secrets cannot hide in extra fields).
 */
export async function responseShapes(api: TestApi) {
  const doc = (await api.request('GET', '/docs/json')).body;
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ $id: 'openapi', components: doc.components });
  const compiled = new Map<string, ValidateFunction>();
  return (route: Pick<RouteCase, 'method' | 'path'>, res: ApiResponse): string | undefined => {
    const responses = doc.paths[route.path]?.[route.method.toLowerCase()]?.responses;
    if (!responses) return `${routeName(route)} is not documented`;
    const documented = responses[String(res.status)];
    if (!documented) return `${routeName(route)} answered ${res.status}, which is not documented`;
    const schema = documented.content?.['application/json']?.schema;
    if (!schema || res.status === 204) return res.text === '' ? undefined : `${res.status} with a body`;
    const cacheKey = `${routeName(route)} ${res.status}`;
    let validate = compiled.get(cacheKey);
    if (!validate) {
      // Rebase the document's local refs onto the schema registered above.
      const rebased = JSON.parse(
        JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'),
      );
      validate = ajv.compile(rebased);
      compiled.set(cacheKey, validate);
    }
    return validate(res.body) ? undefined : `${cacheKey}: ${ajv.errorsText(validate.errors)}`;
  };
}

/**
 * Asserts the contract's error envelope: `{error: {code, message, status, details?}, meta:
 * {requestId, timestamp}}`, with `x-request-id` equal to `meta.requestId`.
 */
export function assertErrorEnvelope(res: ApiResponse, status: number, code?: string) {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/, res.text);
  assert.ok(res.body && typeof res.body === 'object', `not JSON: ${res.text}`);
  assert.deepEqual(Object.keys(res.body).sort(), ['error', 'meta'], res.text);
  const { error, meta } = res.body;
  assert.equal(error.status, status, res.text);
  if (code) assert.equal(error.code, code, res.text);
  assert.match(error.code, /^[A-Z_]+$/);
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0);
  const extra = Object.keys(error).filter((k) => !['code', 'message', 'status', 'details'].includes(k));
  assert.deepEqual(extra, [], res.text);
  if (error.details !== undefined) {
    assert.ok(Array.isArray(error.details), res.text);
    for (const d of error.details) {
      assert.equal(typeof d.field, 'string', res.text);
      assert.equal(typeof d.message, 'string', res.text);
    }
  }
  assert.match(meta.requestId, /^req_[0-9A-Za-z]+$/);
  assert.match(meta.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  assert.equal(res.headers.get('x-request-id'), meta.requestId);
}
