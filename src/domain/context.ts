import type { Db } from '../db/client.ts';
import { DomainError } from './errors.ts';

/** The scopes an API key can carry; `*` means all. */
export const SCOPES = [
  'agents:read',
  'agents:write',
  'voice:read',
  'voice:write',
  'phone-numbers:read',
  'phone-numbers:write',
  'api-keys:manage',
] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling a domain verb: an organization, with the scopes of the key it used. */
export interface Ctx {
  db: Db;
  orgId: string;
  scopes: readonly string[];
  keyId?: string;
}

/** True when `granted` allows `needed`; a `:write` scope implies the matching `:read`. */
export function hasScope(granted: readonly string[], needed: Scope): boolean {
  if (granted.includes('*') || granted.includes(needed)) return true;
  if (needed.endsWith(':read')) return granted.includes(needed.replace(/:read$/, ':write'));
  return false;
}

/** Raises 403 unless the context holds the scope. Every verb calls it first. */
export function requireScope(ctx: Pick<Ctx, 'scopes'>, needed: Scope): void {
  if (!hasScope(ctx.scopes, needed)) {
    throw new DomainError('FORBIDDEN', `This API key lacks the '${needed}' scope.`);
  }
}
