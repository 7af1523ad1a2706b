import { providers } from '../../catalog/index.ts';
import { requireScope, type Ctx } from '../context.ts';
import { configuredProviders } from './credentials.ts';

/** `GET /v1/voice/providers`: every provider, active when the organization can use it now. */
export async function listProviders({ ctx }: { ctx: Ctx }) {
  requireScope(ctx, 'voice:read');
  const configured = await configuredProviders(ctx.db, ctx.orgId);
  return providers.map((p) => ({
    id: p.id,
    name: p.name,
    slug: p.slug,
    isActive: p.local || configured.get(p.slug) === true,
    capabilities: p.capabilities,
    configured: configured.has(p.slug),
    local: p.local,
  }));
}
