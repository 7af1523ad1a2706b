/** A clamped page request. */
export interface PageRequest {
  page: number;
  limit: number;
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
const MAX_PAGE = 1_000_000;

function toInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Math.trunc(Number(v));
  return undefined;
}

/** Out-of-range or malformed `page`/`limit` values are clamped, never rejected (contract). */
export function clampPage(query: { page?: unknown; limit?: unknown }): PageRequest {
  const page = Math.min(MAX_PAGE, Math.max(1, toInt(query.page) ?? 1));
  const limit = Math.min(MAX_LIMIT, Math.max(1, toInt(query.limit) ?? DEFAULT_LIMIT));
  return { page, limit };
}

/** The contract's list body: `{data, pagination: {page, limit, total, totalPages}}`. */
export function paginate<T>(data: T[], req: PageRequest, total: number) {
  return {
    data,
    pagination: { page: req.page, limit: req.limit, total, totalPages: Math.ceil(total / req.limit) },
  };
}
