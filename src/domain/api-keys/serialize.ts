import type { apiKeys } from '../../db/schema.ts';

type Row = typeof apiKeys.$inferSelect;

/** The public shape of an API key; the key itself never leaves the create response. */
export function serializeApiKey(row: Row) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    prefix: row.prefix,
    scopes: row.scopes,
    environment: row.environment,
    isActive: row.isActive && !row.revokedAt,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
export type ApiKeyView = ReturnType<typeof serializeApiKey>;
