// The `analytics` block of GET /links/{idOrSlug}. Empty until the click store answers: a link is
// served from Postgres whether or not ClickHouse is reachable.
import type { Deps } from '../deps'
import type { LinkRow } from '../db/schema'

export type Breakdown = { name: string; count: number }[]
const EMPTY = { byCountry: [], byDevice: [], byReferrer: [] }

export async function linkAnalytics(deps: Deps, row: LinkRow): Promise<{ byCountry: Breakdown; byDevice: Breakdown; byReferrer: Breakdown }> {
  // links.clicks counts the human clicks this block shows, and a batch is counted with its rows
  // (held rows: at once; inserted ones: right after the insert): a link with none counted has none
  // here, so the click store is not asked (nor its held clicks inserted) for a link nobody clicked.
  if (row.clicks === 0) return EMPTY
  try {
    return (await deps.analytics?.linkBreakdown?.(row.userId, row.id)) ?? EMPTY
  } catch (error) {
    deps.log.warn('link analytics unavailable; answering without them', { link: row.id, error: String(error) })
    return EMPTY
  }
}
