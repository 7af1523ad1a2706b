import { randomUUID } from 'node:crypto';
import { buildApp } from '../../src/api/app.ts';
import type { App } from '../../src/api/app-types.ts';
import type { ApiDeps } from '../../src/api/deps.ts';
import { insertApiKey } from '../../src/domain/api-keys/create.ts';
import { ensureOrganization } from '../../src/domain/orgs/create.ts';
import type { LocalRuntime } from '../../src/domain/providers/usable.ts';
import type { RoomControl } from '../../src/livekit/rooms.ts';
import { SecretCipher } from '../../src/secrets/cipher.ts';
import { LiveVoices } from '../../src/domain/providers/live-voices.ts';
import type { ProviderAccount } from '../../src/providers/types.ts';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type DbKind, type TestDatabase } from './database.ts';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A running API on a random port over its own database, with helpers to call it like a client. */
export interface TestApi {
  app: App;
  url: string;
  db: TestDatabase;
  livekit: { url: string; apiKey: string; apiSecret: string };
  deletedRooms: string[];
  request<T = any>(
    method: string,
    path: string,
    opts?: { key?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
  /** A fresh organization with a key holding the given scopes (default all). */
  newOrg(scopes?: string[]): Promise<{ orgId: string; key: string; keyId: string }>;
  close(): Promise<void>;
}

/**
 * Provider accounts that accept any credentials without a network call: the unit-level API suites
 * never reach a provider. Credential checks and live voices are tested against the provider fakes
 * (test/api/provider-credentials.test.ts) by passing real accounts.
 */
export const offlineAccounts = (slug: string): ProviderAccount | undefined =>
  slug === 'local' ? undefined : { verify: async () => undefined };

export interface TestApiOptions {
  db?: DbKind;
  runtime?: LocalRuntime;
  rateLimit?: { max: number; windowSeconds: number };
  livekitUrl?: string;
  rooms?: RoomControl;
  /** The provider account calls; default {@link offlineAccounts}. */
  accounts?: (slug: string) => ProviderAccount | undefined;
}

export async function startTestApi(opts: TestApiOptions = {}): Promise<TestApi> {
  const db = await createTestDatabase(opts.db ?? 'pglite');
  const livekit = {
    url: opts.livekitUrl ?? 'ws://127.0.0.1:7880',
    apiKey: 'APItest',
    apiSecret: randomBytes(24).toString('base64url'),
  };
  const deletedRooms: string[] = [];
  const cipher = new SecretCipher(randomBytes(32));
  const account = opts.accounts ?? offlineAccounts;
  const deps: ApiDeps = {
    database: db.database,
    cipher,
    providers: { account, liveVoices: new LiveVoices({ cipher, account }) },
    sessions: { livekit, tokenTtlSeconds: 600, runtime: opts.runtime ?? {} },
    rooms: opts.rooms ?? {
      async deleteRoom(name) {
        deletedRooms.push(name);
      },
    },
    rateLimit: opts.rateLimit ?? { max: 100_000, windowSeconds: 60 },
  };
  const app = await buildApp(deps);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const api: TestApi = {
    app,
    url,
    db,
    livekit,
    deletedRooms,
    async request(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.key) headers['x-api-key'] = o.key;
      let body: string | undefined = o.rawBody;
      if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] ??= 'application/json';
      } else if (body !== undefined) headers['content-type'] ??= 'application/json';
      const res = await fetch(url + path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = undefined;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, body: parsed as any, text };
    },
    async newOrg(scopes = ['*']) {
      const { org } = await ensureOrganization(db.database.db, `org-${randomUUID()}`);
      const key = await insertApiKey(db.database.db, org.id, {
        name: 'test',
        scopes: scopes as never,
        environment: 'test',
      });
      return { orgId: org.id, key: key.key, keyId: key.id };
    },
    async close() {
      await app.close();
      await db.close();
    },
  };
  return api;
}
