/**
 * Freezes a catalog value and everything it holds, so callers that share the built-in catalog cannot
 * change it for each other. The declared type stays as it is (mutable array types included) because
 * callers hand catalog entries to schemas and serializers that expect plain arrays.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
