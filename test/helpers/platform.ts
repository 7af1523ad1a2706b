import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pgliteTemplate } from './database.ts';
import { spawnParley, type Proc } from './process.ts';

/** `parley start` in a child process on random ports and a temp data dir. */
export interface Platform {
  proc: Proc;
  apiUrl: string;
  key: string;
  dataDir: string;
  request<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

export async function startPlatform(env: Record<string, string> = {}): Promise<Platform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-e2e-'));
  // A migrated database copied in: the platform then skips a 5–10 s initdb.
  cpSync(await pgliteTemplate(), join(dataDir, 'pgdata'), { recursive: true });
  const proc = spawnParley(['start'], {
    PARLEY_DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    MEDIA_PORT: '0',
    SIP_PORT: '0',
    ...env,
  });
  const [, apiUrl] = await proc.waitFor(/API\s+(http:\/\/\S+)/, 120_000, 'the platform banner');
  const [, key] = await proc.waitFor(/API key\s+(pk_\S+)/, 10_000, 'the development API key');
  return {
    proc,
    apiUrl: apiUrl!,
    key: key!,
    dataDir,
    async request(method, path, body) {
      const res = await fetch(apiUrl + path, {
        method,
        headers: { 'x-api-key': key!, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async stop() {
      await proc.stop(15_000);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `GET /v1/voice/sessions/{id}` until `done` holds, or fails with the last state seen. */
export async function pollSession(
  platform: Platform,
  id: string,
  done: (s: any) => boolean,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await platform.request('GET', `/v1/voice/sessions/${id}`);
    if (done(res.body)) return res.body;
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms; session ${id} is ${JSON.stringify(res.body)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
