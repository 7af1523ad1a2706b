import { randomBytes } from 'node:crypto';

/**
 * LiveKit-style resource id: a type prefix (`RM`, `PA`, `TR`, `AJ`, `AW`, `AD`) and 12 random
 * characters, e.g. `PA_3f9c01a2b4d5`.
 */
export function newId(prefix: 'RM' | 'PA' | 'TR' | 'AJ' | 'AW' | 'AD'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}
