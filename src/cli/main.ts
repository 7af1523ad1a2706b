import { ConfigError, loadConfig } from '../config/index.ts';
import { apiCommand } from './api.ts';
import { keysCommand } from './keys.ts';
import { mediaCommand } from './media.ts';
import { sipCommand } from './sip.ts';
import { startCommand } from './start.ts';
import { workerCommand } from './worker.ts';

const HELP = `parley — the Parley voice-agent platform

Usage: parley <command>

  start                 everything: API, embedded database and media server, worker, SIP gateway
  api                   the REST API alone
  media                 the embedded LiveKit-compatible media server alone
  worker                the agent worker alone (registers as parley-agent)
  sip                   the SIP gateway alone (UDP and TCP on SIP_PORT)
  sip config <+E164> …  a number's SIP settings: digest credentials, trusted ranges, call limit
  keys create --org <name> --name <label> [--scopes a,b] [--environment live|test] [--json]
                        create an API key (the organization is created if needed); prints it once

Configuration comes from the environment: PORT, PARLEY_DATA_DIR, DATABASE_URL, LIVEKIT_URL,
LIVEKIT_API_KEY, LIVEKIT_API_SECRET, PARLEY_PUBLIC_HOST, SIP_PORT, PARLEY_SECRET_KEY (see docs/configuration.md).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(HELP);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  switch (command) {
    case 'start':
      return startCommand(config);
    case 'api':
      return apiCommand(config);
    case 'media':
      return mediaCommand(config);
    case 'worker':
      return workerCommand(config);
    case 'sip':
      return sipCommand(config, rest);
    case 'keys':
      return keysCommand(config, rest);
    default:
      console.error(`Unknown command '${command}'.\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ConfigError) console.error(err.message);
    else if (
      err instanceof Error &&
      err.name === 'TypeError' &&
      'code' in err &&
      String(err.code).startsWith('ERR_PARSE_ARGS')
    )
      console.error(err.message);
    else console.error(err);
    process.exitCode = 1;
  },
);
