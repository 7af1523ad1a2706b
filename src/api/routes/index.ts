import type { App } from '../app-types.ts';
import type { ApiDeps } from '../deps.ts';
import * as agentsCreate from './agents/create.ts';
import * as agentsDelete from './agents/delete.ts';
import * as agentsGet from './agents/get.ts';
import * as agentsList from './agents/list.ts';
import * as agentsUpdate from './agents/update.ts';
import * as apiKeysCreate from './api-keys/create.ts';
import * as apiKeysList from './api-keys/list.ts';
import * as apiKeysRevoke from './api-keys/revoke.ts';
import * as phoneCreate from './phone-numbers/create.ts';
import * as phoneDelete from './phone-numbers/delete.ts';
import * as phoneList from './phone-numbers/list.ts';
import * as phoneUpdate from './phone-numbers/update.ts';
import * as health from './system/health.ts';
import * as playground from './system/playground.ts';
import * as models from './voice/models.ts';
import * as providers from './voice/providers.ts';
import * as sessions from './voice/sessions.ts';
import * as voices from './voice/voices.ts';

const routes = [
  health,
  playground,
  voices,
  models,
  providers,
  sessions,
  agentsList,
  agentsCreate,
  agentsGet,
  agentsUpdate,
  agentsDelete,
  phoneList,
  phoneCreate,
  phoneUpdate,
  phoneDelete,
  apiKeysList,
  apiKeysCreate,
  apiKeysRevoke,
];

/** Registers every route of the contract. */
export function registerRoutes(app: App, deps: ApiDeps) {
  for (const r of routes) r.register(app, deps);
}
