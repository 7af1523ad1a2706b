import type { phoneNumbers } from '../../db/schema.ts';

type Row = typeof phoneNumbers.$inferSelect;

/** The contract's PhoneNumber shape; `agentId` is the inbound agent. */
export function serializePhoneNumber(row: Row) {
  return {
    id: row.id,
    number: row.number,
    provider: row.provider,
    agentId: row.inboundAgentId,
    inBoundAgentId: row.inboundAgentId,
    outBoundAgentId: row.outboundAgentId,
    orgId: row.orgId,
    createdAt: row.createdAt.toISOString(),
  };
}
