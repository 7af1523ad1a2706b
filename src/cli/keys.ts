import { parseArgs } from 'node:util';
import type { Config } from '../config/index.ts';
import { openDatabase } from '../db/client.ts';
import { createApiKeyInput, insertApiKey } from '../domain/api-keys/create.ts';
import { ensureOrganization } from '../domain/orgs/create.ts';

const USAGE =
  'Usage: parley keys create --org <name> --name <label> [--scopes a,b] [--environment live|test] [--json]';

/** `parley keys create`: creates (if needed) the organization and a key, and prints the key once. */
export async function keysCommand(config: Config, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'create') {
    console.error(USAGE);
    return 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      org: { type: 'string' },
      name: { type: 'string' },
      scopes: { type: 'string' },
      environment: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.org || !values.name) {
    console.error(USAGE);
    return 2;
  }
  const parsed = createApiKeyInput.safeParse({
    name: values.name,
    scopes: values.scopes
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    environment: values.environment,
  });
  if (!parsed.success) {
    console.error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
    return 2;
  }
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
  try {
    const { org } = await ensureOrganization(database.db, values.org);
    const key = await insertApiKey(database.db, org.id, parsed.data);
    if (values.json) console.log(JSON.stringify({ orgId: org.id, keyId: key.id, key: key.key }));
    else {
      console.log(`Organization: ${org.name} (${org.id})`);
      console.log(`Key id:       ${key.id}  scopes: ${key.scopes.join(',')}`);
      console.log(`API key:      ${key.key}`);
      console.log('Store it now: it is shown only once.');
    }
    return 0;
  } finally {
    await database.close();
  }
}
