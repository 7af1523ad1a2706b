/**
 * SIP message model, parser and serializer (RFC 3261 §7, §20): start line, headers (compact forms
 * expanded, folded lines unfolded, repeated and comma-separated headers kept in order) and body.
 * Parsing never throws on hostile input it can describe: it raises {@link SipParseError}, which the
 * transport answers with 400 when the request is identifiable enough to answer.
 */

/** Raised for bytes that are not a SIP message this gateway can process. */
export class SipParseError extends Error {}

/** Compact header names (RFC 3261 §7.3.3) → canonical lower-case names. */
const COMPACT: Record<string, string> = {
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  s: 'subject',
  k: 'supported',
  t: 'to',
  v: 'via',
};

/** Headers whose values may be comma-joined lists (split on parse so each entry stands alone). */
const LIST_HEADERS = new Set(['via', 'route', 'record-route', 'contact', 'allow', 'supported']);

const MAX_MESSAGE_BYTES = 65_535;
const MAX_HEADERS = 200;

/** A header as it appeared: its canonical lower-case name and value. */
export interface SipHeader {
  name: string;
  value: string;
}

interface SipMessageBase {
  headers: SipHeader[];
  body: Buffer;
}

/** A SIP request. */
export interface SipRequest extends SipMessageBase {
  kind: 'request';
  method: string;
  uri: string;
}

/** A SIP response. */
export interface SipResponse extends SipMessageBase {
  kind: 'response';
  status: number;
  reason: string;
}

export type SipMessage = SipRequest | SipResponse;

/** The canonical lower-case form of a header name, compact forms expanded. */
export function canonicalName(name: string): string {
  const lower = name.trim().toLowerCase();
  return COMPACT[lower] ?? lower;
}

/** First value of a header, or undefined. */
export function header(msg: SipMessageBase, name: string): string | undefined {
  const n = canonicalName(name);
  return msg.headers.find((h) => h.name === n)?.value;
}

/** Every value of a header, in order. */
export function headers(msg: SipMessageBase, name: string): string[] {
  const n = canonicalName(name);
  return msg.headers.filter((h) => h.name === n).map((h) => h.value);
}

/** Splits on commas outside quotes and angle brackets. */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let depthAngle = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '"' && value[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && ch === '<') depthAngle++;
    else if (!quoted && ch === '>') depthAngle = Math.max(0, depthAngle - 1);
    else if (!quoted && depthAngle === 0 && ch === ',') {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out.filter(Boolean);
}

/** Parses one complete SIP message (a UDP datagram, or a TCP frame from {@link StreamFramer}). */
export function parseMessage(data: Buffer): SipMessage {
  if (data.length > MAX_MESSAGE_BYTES) throw new SipParseError('message too large');
  const sep = data.indexOf('\r\n\r\n');
  const headEnd = sep >= 0 ? sep : data.indexOf('\n\n');
  if (headEnd < 0) throw new SipParseError('no end of headers');
  const bodyStart = headEnd + (sep >= 0 ? 4 : 2);
  const head = data.subarray(0, headEnd).toString('latin1');
  const lines = head.split(/\r?\n/);
  // Leading CRLFs are keep-alives (RFC 5626); skip them.
  while (lines.length && lines[0] === '') lines.shift();
  const startLine = lines.shift();
  if (!startLine) throw new SipParseError('empty message');

  const unfolded: string[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && unfolded.length) unfolded[unfolded.length - 1] += ' ' + line.trim();
    else unfolded.push(line);
  }
  if (unfolded.length > MAX_HEADERS) throw new SipParseError('too many headers');
  const hdrs: SipHeader[] = [];
  for (const line of unfolded) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SipParseError('malformed header line');
    const rawName = line.slice(0, colon);
    if (!/^[!#-'*+\-.0-9A-Z^-z|~]+$/.test(rawName.trim())) throw new SipParseError('malformed header name');
    const name = canonicalName(rawName);
    const value = line.slice(colon + 1).trim();
    if (LIST_HEADERS.has(name) && value !== '*') {
      for (const v of splitList(value)) hdrs.push({ name, value: v });
    } else hdrs.push({ name, value });
  }

  let body = data.subarray(bodyStart);
  const cl = hdrs.find((h) => h.name === 'content-length')?.value;
  if (cl !== undefined) {
    if (!/^\d{1,6}$/.test(cl)) throw new SipParseError('bad Content-Length');
    const n = Number(cl);
    if (n > body.length) throw new SipParseError('body shorter than Content-Length');
    body = body.subarray(0, n);
  }
  body = Buffer.from(body);

  const resp = /^SIP\/2\.0 ([1-6]\d\d) ?(.*)$/i.exec(startLine);
  if (resp) return { kind: 'response', status: Number(resp[1]), reason: resp[2] ?? '', headers: hdrs, body };
  const req = /^([A-Za-z]+) (\S+) SIP\/2\.0$/i.exec(startLine);
  if (!req) throw new SipParseError('malformed start line');
  return { kind: 'request', method: req[1]!.toUpperCase(), uri: req[2]!, headers: hdrs, body };
}

const DISPLAY: Record<string, string> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'record-route': 'Record-Route',
  'max-forwards': 'Max-Forwards',
};

function displayName(name: string): string {
  return DISPLAY[name] ?? name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
}

/** Serializes a message; Content-Length is always recomputed from the body. */
export function serializeMessage(msg: SipMessage): Buffer {
  const start =
    msg.kind === 'request' ? `${msg.method} ${msg.uri} SIP/2.0` : `SIP/2.0 ${msg.status} ${msg.reason}`;
  const lines = [start];
  for (const h of msg.headers) {
    if (h.name === 'content-length') continue;
    lines.push(`${displayName(h.name)}: ${h.value}`);
  }
  lines.push(`Content-Length: ${msg.body.length}`, '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), msg.body]);
}

/** Standard reason phrases for the responses the gateway sends. */
export const REASONS: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  407: 'Proxy Authentication Required',
  415: 'Unsupported Media Type',
  420: 'Bad Extension',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/**
 * Builds a response to `req` per RFC 3261 §8.2.6: Via, From, To, Call-ID and CSeq copied, a To
 * tag added when `toTag` is given and the request had none.
 */
export function buildResponse(
  req: SipRequest,
  status: number,
  opts: { toTag?: string; headers?: SipHeader[]; body?: Buffer; reason?: string } = {},
): SipResponse {
  const hdrs: SipHeader[] = [];
  for (const h of req.headers) {
    if (h.name === 'via' || h.name === 'from' || h.name === 'call-id' || h.name === 'cseq') hdrs.push(h);
    else if (h.name === 'to') {
      const hasTag = /;\s*tag=/i.test(h.value);
      hdrs.push({ name: 'to', value: hasTag || !opts.toTag ? h.value : `${h.value};tag=${opts.toTag}` });
    } else if (h.name === 'record-route' && status >= 101 && status < 300) hdrs.push(h);
  }
  hdrs.push(...(opts.headers ?? []));
  return {
    kind: 'response',
    status,
    reason: opts.reason ?? REASONS[status] ?? 'Unknown',
    headers: hdrs,
    body: opts.body ?? Buffer.alloc(0),
  };
}
