// What a link.clicked event says of a click, taken from its enriched row where it is built (the
// enrichment worker), only for the accounts whose webhooks subscribe to link.clicked.
import type { ClickRow } from './click-row'

export type ClickFact = {
  /** The click's own id: its event is `evt_<clickId>`, written once however often the batch is replayed. */
  clickId: string
  linkId: string; ownerId: string; clickedAt: string
  country: string; countryCode: string; city: string; device: string; browser: string; referrer: string
}

// Events name countries ("Pakistan") and capitalise devices ("Mobile") for their receivers; the store keeps codes.
const regionNames = new Intl.DisplayNames(['en'], { type: 'region' })
const countryName = (code: string) => {
  try {
    return code ? regionNames.of(code) ?? code : ''
  } catch {
    return code
  }
}
const capitalised = (v: string) => v.charAt(0).toUpperCase() + v.slice(1)

/** The visitor as link.clicked and link.used give it: the country's name, the capitalised device. */
export function visitorOf(row: Pick<ClickRow, 'country' | 'device'>): { country: string; device: string } {
  return { country: countryName(row.country), device: capitalised(row.device) }
}

/** Per account and batch (a second's clicks on one instance); the rest are counted, not announced. */
export const CLICK_EVENTS_PER_BATCH = 1000

/** The human clicks of these accounts (bots are recorded, not announced). */
export function clickFactsOf(rows: ClickRow[], owners: ReadonlySet<string>): ClickFact[] {
  if (owners.size === 0) return []
  return rows.filter((r) => r.is_bot === 0 && owners.has(r.owner_id)).map((r) => ({
    clickId: r.event_id, linkId: r.link_id, ownerId: r.owner_id, clickedAt: new Date(r.ts).toISOString(),
    ...visitorOf(r), countryCode: r.country, city: r.city, browser: r.browser, referrer: r.referrer_host,
  }))
}

/**
 * At most CLICK_EVENTS_PER_BATCH facts of each account, and how many were left out. Applied in the
 * worker to each chunk (so that no more cross to the redirect thread) and again to the whole batch.
 */
export function boundedFacts(facts: readonly ClickFact[]): { facts: ClickFact[]; skipped: number } {
  const taken = new Map<string, number>()
  const kept = facts.filter((f) => {
    const n = taken.get(f.ownerId) ?? 0
    taken.set(f.ownerId, n + 1)
    return n < CLICK_EVENTS_PER_BATCH
  })
  return { facts: kept, skipped: facts.length - kept.length }
}
