/**
 * Source address allowlists: `SIP_TRUSTED_CIDRS` and per-number `trustedCidrs` (IPv4 and IPv6
 * CIDRs; IPv4-mapped IPv6 sources such as `::ffff:10.0.0.1` match IPv4 ranges).
 */
import { isIP } from 'node:net';

/** A parsed CIDR: address bytes and prefix length. */
export interface Cidr {
  bytes: Uint8Array;
  prefix: number;
}

function ipv4Bytes(ip: string): Uint8Array {
  return Uint8Array.from(ip.split('.').map(Number));
}

function ipv6Bytes(ip: string): Uint8Array | undefined {
  let text = ip;
  let tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    if (isIP(v4[1]!) !== 4) return undefined;
    tail = [...ipv4Bytes(v4[1]!)];
    text = text.slice(0, -v4[1]!.length) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string) => (s ? s.split(':').map((h) => parseInt(h, 16)) : []);
  const head = parse(halves[0]!);
  const end = halves.length === 2 ? parse(halves[1]!) : [];
  const fill = 8 - head.length - end.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return undefined;
  const words = [...head, ...new Array<number>(fill).fill(0), ...end];
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[i * 2] = (w >> 8) & 0xff;
    out[i * 2 + 1] = w & 0xff;
  });
  if (tail.length) out.set(tail, 12);
  return out;
}

/** The 4- or 16-byte form of an address; IPv4-mapped IPv6 becomes 4 bytes. */
export function addressBytes(ip: string): Uint8Array | undefined {
  const clean = ip.replace(/^\[|\]$/g, '').split('%')[0]!;
  const family = isIP(clean);
  if (family === 4) return ipv4Bytes(clean);
  if (family !== 6) return undefined;
  const b = ipv6Bytes(clean);
  if (b && b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return b.subarray(12);
  return b;
}

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address (a /32 or /128). Throws on nonsense. */
export function parseCidr(text: string): Cidr {
  const [addr, prefixText] = text.trim().split('/');
  const bytes = addressBytes(addr ?? '');
  if (!bytes) throw new Error(`'${text}' is not an IP address or CIDR`);
  const max = bytes.length * 8;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (prefixText ?? '0').trim() === '') {
    throw new Error(`'${text}' has an invalid prefix length`);
  }
  return { bytes, prefix };
}

/** Parses a comma-separated CIDR list (empty entries ignored). */
export function parseCidrList(text: string): Cidr[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseCidr);
}

/** True when `ip` lies inside `cidr`. */
export function cidrContains(cidr: Cidr, ip: string): boolean {
  const bytes = addressBytes(ip);
  if (!bytes || bytes.length !== cidr.bytes.length) return false;
  let bits = cidr.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i]! & mask) !== (cidr.bytes[i]! & mask)) return false;
  }
  return true;
}

/** True when any CIDR in the list contains `ip`. */
export function isTrusted(list: readonly Cidr[], ip: string): boolean {
  return list.some((c) => cidrContains(c, ip));
}
