/**
 * Who may call which number: the admission decision for a new INVITE, in order — called number
 * (Request-URI user, then To) → phone number row → trust (source CIDR allowlist and/or digest) →
 * inbound agent → concurrency limits. The session itself is started by the call once admitted.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { phoneNumbers } from '../db/schema.ts';
import type { DigestAuthenticator } from './digest.ts';
import { normalizeE164 } from './e164.ts';
import { parseNameAddr, parseUri } from './headers.ts';
import { header, type SipHeader, type SipRequest } from './message.ts';
import { readNumberSipConfig, type NumberSipConfig } from './number-config.ts';
import { isTrusted, parseCidr, type Cidr } from './trust.ts';

/** An admitted call: the number, its org and agent, and the caller. */
export interface Admitted {
  ok: true;
  numberId: string;
  orgId: string;
  agentId: string;
  calledNumber: string;
  callerNumber: string;
  config: NumberSipConfig;
}

/** A refused call: the SIP status, extra headers, and a reason for the log. */
export interface Refused {
  ok: false;
  status: number;
  headers?: SipHeader[];
  log: string;
}

export interface AdmissionDeps {
  db: Db;
  trusted: readonly Cidr[];
  digest: DigestAuthenticator;
  defaultCountryCode: string;
  maxCalls: number;
  activeCalls(): number;
  activeCallsFor(numberId: string): number;
}

/** The user part of a URI inside a header value, or of a bare URI. */
function userOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const uri = parseNameAddr(value)?.uri ?? value;
  return parseUri(uri)?.user || undefined;
}

/** The caller's number from From (E.164 when it normalizes, else the user part as sent). */
export function callerNumberOf(req: SipRequest, defaultCountryCode: string): string {
  const user = userOf(header(req, 'from')) ?? '';
  return normalizeE164(user, defaultCountryCode) ?? user;
}

/** Decides whether an INVITE from `sourceIp` is taken, and by which number and agent. */
export async function admit(
  deps: AdmissionDeps,
  req: SipRequest,
  sourceIp: string,
): Promise<Admitted | Refused> {
  const candidates = [userOf(req.uri), userOf(header(req, 'to'))]
    .map((u) => (u ? normalizeE164(u, deps.defaultCountryCode) : undefined))
    .filter((n): n is string => n !== undefined);
  let row: typeof phoneNumbers.$inferSelect | undefined;
  for (const n of [...new Set(candidates)]) {
    [row] = await deps.db.select().from(phoneNumbers).where(eq(phoneNumbers.number, n)).limit(1);
    if (row) break;
  }
  const globallyTrusted = isTrusted(deps.trusted, sourceIp);
  if (!row) {
    // Untrusted sources learn nothing about which numbers exist.
    return globallyTrusted
      ? { ok: false, status: 404, log: 'called number is not registered' }
      : { ok: false, status: 403, log: 'untrusted source' };
  }
  const config = readNumberSipConfig(row.sipConfig);
  const numberCidrs = (config.trustedCidrs ?? []).map(parseCidr);
  const trusted = globallyTrusted || isTrusted(numberCidrs, sourceIp);

  if (config.auth) {
    const verdict = deps.digest.verify(header(req, 'authorization'), 'INVITE', config.auth);
    if (verdict === 'missing' || verdict === 'stale') {
      return {
        ok: false,
        status: 401,
        headers: [
          { name: 'www-authenticate', value: deps.digest.challenge(config.auth.realm, verdict === 'stale') },
        ],
        log: verdict === 'stale' ? 'stale nonce: challenged again' : 'digest challenge',
      };
    }
    if (verdict === 'bad') return { ok: false, status: 403, log: 'digest credentials rejected' };
  } else if (!trusted) {
    return { ok: false, status: 403, log: 'untrusted source' };
  }

  if (!row.inboundAgentId) return { ok: false, status: 480, log: 'number has no inbound agent' };
  if (deps.activeCalls() >= deps.maxCalls)
    return { ok: false, status: 486, log: 'gateway call limit reached' };
  if (config.maxConcurrentCalls !== undefined && deps.activeCallsFor(row.id) >= config.maxConcurrentCalls) {
    return { ok: false, status: 486, log: 'number call limit reached' };
  }
  return {
    ok: true,
    numberId: row.id,
    orgId: row.orgId,
    agentId: row.inboundAgentId,
    calledNumber: row.number,
    callerNumber: callerNumberOf(req, deps.defaultCountryCode),
    config,
  };
}
