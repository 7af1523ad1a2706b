import { createHash } from 'node:crypto';
import type { ModelType } from './types.ts';

/**
 * Parley's namespace for catalog model ids. It is part of every stored agent's model ids: changing
 * it orphans them, so it never changes.
 */
export const PARLEY_MODEL_NAMESPACE = '6d8ec34c-0854-4e45-966a-bfefd5056a3b';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a UUID in its canonical 8-4-4-4-12 hexadecimal form. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A name-based UUID (RFC 4122 §4.3, version 5: SHA-1) of `name` (UTF-8) in `namespace`. */
export function uuidv5(name: string, namespace: string): string {
  if (!isUuid(namespace)) throw new TypeError(`Namespace must be a UUID, got '${namespace}'.`);
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes.writeUInt8((bytes.readUInt8(6) & 0x0f) | 0x50, 6); // version 5
  bytes.writeUInt8((bytes.readUInt8(8) & 0x3f) | 0x80, 8); // RFC 4122 variant (10xx)
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The stable id of a catalog model: UUIDv5 of `${provider}/${type}/${name}` in {@link PARLEY_MODEL_NAMESPACE}. */
export function modelId(provider: string, type: ModelType, name: string): string {
  return uuidv5(`${provider}/${type}/${name}`, PARLEY_MODEL_NAMESPACE);
}

/** The Voice API id of a provider: `pvdr_<slug>`. */
export function providerId(slug: string): string {
  return `pvdr_${slug}`;
}
