import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccessToken } from 'livekit-server-sdk';
import { bakeryAgent } from '../../fixtures/bakery-agent.ts';
import { startPlatform, type Platform } from '../../helpers/platform.ts';
import { runParley } from '../../helpers/process.ts';

/** A platform with its SIP port and a voice agent ready to take calls. */
export interface SipPlatform {
  platform: Platform;
  sipPort: number;
  mediaUrl: string;
  agentId: string;
  /** Registers `number` for `agentId` (the bakery agent by default; null leaves it unassigned). */
  register(number: string, agentId?: string | null): Promise<void>;
  /** `parley sip config <number> …args` against the platform's data dir. */
  sipConfig(number: string, args: string[]): Promise<string>;
  /** A token for an observer participant in a session's room. */
  observerToken(room: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startSipPlatform(env: Record<string, string> = {}): Promise<SipPlatform> {
  const platform = await startPlatform(env);
  const out = platform.proc.stdout();
  const sipPort = Number(/SIP\s+udp\+tcp \S+:(\d+)/.exec(out)?.[1]);
  const mediaUrl = /Media\s+(ws:\/\/\S+)/.exec(out)?.[1] ?? '';
  if (!sipPort) throw new Error(`no SIP banner line in:\n${out}`);
  const agent = await platform.request('POST', '/v2/chat/agents', bakeryAgent());
  if (agent.status !== 201) throw new Error(JSON.stringify(agent.body));
  return {
    platform,
    sipPort,
    mediaUrl,
    agentId: agent.body.id,
    async register(number, agentId) {
      const res = await platform.request('POST', '/v1/chat/phone-numbers', {
        provider: 'sip',
        number,
        agentId: agentId === undefined ? agent.body.id : agentId,
      });
      if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    },
    async sipConfig(number, args) {
      const r = await runParley(
        ['sip', 'config', number, ...args],
        { PARLEY_DATA_DIR: platform.dataDir },
        60_000,
      );
      if (r.code !== 0) throw new Error(`parley sip config failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    },
    async observerToken(room) {
      const keys = JSON.parse(readFileSync(join(platform.dataDir, 'livekit-keys.json'), 'utf8')) as {
        apiKey: string;
        apiSecret: string;
      };
      const t = new AccessToken(keys.apiKey, keys.apiSecret, { identity: 'observer', ttl: 600 });
      t.addGrant({ room, roomJoin: true, canSubscribe: true, canPublish: false });
      return t.toJwt();
    },
    stop: () => platform.stop(),
  };
}

/** The newest session of the platform (calls create them; tests then follow them by id). */
export async function newestSession(platform: Platform): Promise<any> {
  const res = await platform.request('GET', '/v1/voice/sessions?limit=1');
  return res.body?.data?.[0];
}

/** Waits until `check` returns a value (the shared poller). */
export { waitUntil as waitFor } from '../../helpers/wait.ts';
