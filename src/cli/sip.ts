import { parseArgs } from 'node:util';
import type { Config } from '../config/index.ts';
import { openDatabase } from '../db/client.ts';
import { resolveLiveKit } from '../livekit/credentials.ts';
import { sipBannerLine, startSipFromConfig } from '../sip/index.ts';
import { updateNumberSipConfig } from '../sip/number-config.ts';
import { createLogger } from './logger.ts';
import { onShutdown } from './shutdown.ts';

const USAGE = `parley sip                      run the SIP gateway alone (SIP_PORT, UDP and TCP)
parley sip config <+E164> [--username u --password p [--realm r]] [--no-auth]
                  [--trusted-cidrs a,b] [--max-calls n|none] [--answer-delay-ms n|none]
                                set a registered number's SIP settings (digest credentials of the
                                trunk, extra trusted ranges, concurrency limit, ring time)`;

const numberOrNull = (v: string | undefined) =>
  v === undefined ? undefined : v === 'none' ? null : Number(v);

/** `parley sip`: the gateway alone, or `parley sip config` for a number's SIP settings. */
export async function sipCommand(config: Config, args: string[]): Promise<number> {
  if (args[0] === 'config') return sipConfigCommand(config, args.slice(1));
  if (args.length) {
    console.error(USAGE);
    return 2;
  }
  const logger = createLogger(config.LOG_LEVEL, 'parley-sip');
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
  const gateway = await startSipFromConfig({ config, database, livekit: resolveLiveKit(config), logger });
  console.log(`Parley SIP gateway\n${sipBannerLine(config, gateway.port)}`);
  await onShutdown(async () => {
    await gateway.close();
    await database.close();
  });
  return 0;
}

async function sipConfigCommand(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      username: { type: 'string' },
      password: { type: 'string' },
      realm: { type: 'string' },
      'no-auth': { type: 'boolean' },
      'trusted-cidrs': { type: 'string' },
      'max-calls': { type: 'string' },
      'answer-delay-ms': { type: 'string' },
    },
  });
  const number = positionals[0];
  if (!number) {
    console.error(USAGE);
    return 2;
  }
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
  try {
    const stored = await updateNumberSipConfig(database.db, number, {
      username: values.username,
      password: values.password,
      realm: values.realm,
      clearAuth: values['no-auth'],
      trustedCidrs: values['trusted-cidrs']
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      maxConcurrentCalls: numberOrNull(values['max-calls']),
      answerDelayMs: numberOrNull(values['answer-delay-ms']),
    });
    if (!stored) {
      console.error(`The number ${number} is not registered (POST /v1/chat/phone-numbers first).`);
      return 1;
    }
    const shown = {
      ...stored,
      auth: stored.auth && { username: stored.auth.username, realm: stored.auth.realm },
    };
    console.log(JSON.stringify(shown));
    return 0;
  } catch (err) {
    console.error(`Invalid SIP settings: ${(err as Error).message}`);
    return 1;
  } finally {
    await database.close();
  }
}
