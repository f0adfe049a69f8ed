// The `analytics` block of GET /links/{idOrSlug}. Empty until the click store answers.
import type { Deps } from '../deps'
import type { LinkRow } from '../db/schema'

export type Breakdown = { name: string; count: number }[]

export async function linkAnalytics(deps: Deps, row: LinkRow): Promise<{ byCountry: Breakdown; byDevice: Breakdown; byReferrer: Breakdown }> {
  return (await deps.analytics?.linkBreakdown?.(row.userId, row.id)) ?? { byCountry: [], byDevice: [], byReferrer: [] }
}
