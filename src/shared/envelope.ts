// The success envelope `{ success: true, data, ...extras }` and its schemas.
import { t, type TSchema } from 'elysia'

export const ok = <T extends TSchema>(data: T) => t.Object({ success: t.Literal(true), data })

/** `{ content, page, size, total, totalPages }`, plus `limit` and `offset` when asked that way. */
export const page = <T extends TSchema>(item: T) =>
  ok(t.Object({
    content: t.Array(item),
    page: t.Number(),
    size: t.Number(),
    total: t.Number(),
    totalPages: t.Number(),
    limit: t.Optional(t.Number()),
    offset: t.Optional(t.Number()),
  }))

/**
 * An integer query parameter. Elysia coerces query numbers one property at a time and then loses
 * the property's name, so the field travels in the schema's custom error.
 */
export const queryInt = (field: string, minimum: number, maximum?: number) =>
  t.Optional(t.Integer({
    minimum, ...(maximum === undefined ? {} : { maximum }),
    // (cast: the type only admits strings and callbacks, the runtime passes any value through)
    error: { field, in: 'query', message: `${field} must be a whole number ${maximum === undefined ? `≥ ${minimum}` : `from ${minimum} to ${maximum}`}` } as never,
  }))

/** The paging parameters every list takes: `page` (0-based) and `size`, or `limit` and `offset`; sizes 1–100. */
export const pagingQuery = {
  // Bounded so that page × size stays a whole number the database takes (1e20 overflowed it).
  page: queryInt('page', 0, 1_000_000),
  size: queryInt('size', 1, 100),
  limit: queryInt('limit', 1, 100),
  offset: queryInt('offset', 0, 100_000_000),
}

export type Paging = { offset: number; size: number; page: number; limitStyle: boolean }

/** Both pagination styles: `page,size` (0-based) or `limit,offset` (exact offset). */
export function paging(q: { page?: number; size?: number; limit?: number; offset?: number }): Paging {
  if (q.limit !== undefined || q.offset !== undefined) {
    const size = q.limit ?? 20
    const offset = q.offset ?? 0
    return { size, offset, page: Math.floor(offset / size), limitStyle: true }
  }
  const size = q.size ?? 20
  const p = q.page ?? 0
  return { size, offset: p * size, page: p, limitStyle: false }
}

export function pageOf<T>(content: T[], total: number, p: Paging) {
  return {
    success: true as const,
    data: {
      content, page: p.page, size: p.size, total, totalPages: Math.ceil(total / p.size),
      ...(p.limitStyle ? { limit: p.size, offset: p.offset } : {}),
    },
  }
}
