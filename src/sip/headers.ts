/**
 * Structured views of the SIP header values the gateway reads: name-addr (From, To, Contact,
 * Record-Route), Via, CSeq and SIP URIs. Each returns undefined for a value it cannot read, so the
 * caller answers 400 instead of throwing.
 */

/** `;name=value` parameters, names lower-cased; a flag parameter maps to ''. */
export type Params = Record<string, string>;

function parseParams(text: string): Params {
  const params: Params = {};
  for (const part of text.split(';')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq < 0) params[p.toLowerCase()] = '';
    else params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
  }
  return params;
}

/** A From/To/Contact/Route value: `"Name" <sip:user@host>;tag=x` or `sip:user@host;tag=x`. */
export interface NameAddr {
  display: string;
  uri: string;
  params: Params;
}

/** Parses a name-addr or addr-spec with header parameters. */
export function parseNameAddr(value: string): NameAddr | undefined {
  const v = value.trim();
  const lt = v.indexOf('<');
  if (lt >= 0) {
    const gt = v.indexOf('>', lt);
    if (gt < 0) return undefined;
    const uri = v.slice(lt + 1, gt).trim();
    if (!uri) return undefined;
    return {
      display: v
        .slice(0, lt)
        .trim()
        .replace(/^"(.*)"$/, '$1'),
      uri,
      params: parseParams(v.slice(gt + 1)),
    };
  }
  // addr-spec: parameters after the URI belong to the header, not the URI (RFC 3261 §20.10).
  const semi = v.indexOf(';');
  const uri = semi < 0 ? v : v.slice(0, semi);
  if (!uri || /\s/.test(uri)) return undefined;
  return { display: '', uri, params: semi < 0 ? {} : parseParams(v.slice(semi)) };
}

/** The tag parameter of a From or To value. */
export function tagOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return parseNameAddr(value)?.params.tag || undefined;
}

/** A parsed SIP or tel URI. */
export interface SipUri {
  scheme: string;
  user: string;
  host: string;
  port: number | undefined;
  params: Params;
}

/** Parses `sip:user@host:port;params`, `sips:` and `tel:+1555…`. */
export function parseUri(uri: string): SipUri | undefined {
  const m = /^(sips?|tel):([^;?]*)([^?]*)/i.exec(uri.trim());
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  const rest = m[2]!;
  const params = parseParams(m[3] ?? '');
  if (scheme === 'tel') return { scheme, user: rest, host: '', port: undefined, params };
  const at = rest.lastIndexOf('@');
  const user = at >= 0 ? decodeURIComponentSafe(rest.slice(0, at).split(':')[0]!) : '';
  const hostPort = at >= 0 ? rest.slice(at + 1) : rest;
  const hp = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(hostPort);
  if (!hp) return undefined;
  return { scheme, user, host: hp[1]!, port: hp[2] ? Number(hp[2]) : undefined, params };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A Via entry: `SIP/2.0/UDP host:port;branch=z9hG4bK…;rport`. */
export interface Via {
  transport: string;
  host: string;
  port: number | undefined;
  params: Params;
}

/** Parses one Via value. */
export function parseVia(value: string): Via | undefined {
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+([^;\s]+)\s*(.*)$/i.exec(value.trim());
  if (!m) return undefined;
  const hp = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(m[2]!);
  if (!hp) return undefined;
  return {
    transport: m[1]!.toUpperCase(),
    host: hp[1]!,
    port: hp[2] ? Number(hp[2]) : undefined,
    params: parseParams(m[3] ?? ''),
  };
}

/** A CSeq value: sequence number and method. */
export interface CSeq {
  seq: number;
  method: string;
}

/** Parses `CSeq: 1 INVITE` (the number must fit in 32 bits, RFC 3261 §8.1.1.5). */
export function parseCSeq(value: string | undefined): CSeq | undefined {
  const m = /^(\d{1,10})\s+([A-Za-z]+)$/.exec((value ?? '').trim());
  if (!m) return undefined;
  const seq = Number(m[1]);
  if (seq > 0xffffffff) return undefined;
  return { seq, method: m[2]!.toUpperCase() };
}
