// link.clicked events, for the accounts whose webhooks subscribe to them. They are read back from
// a stored batch's TabSeparated rows (so they carry the enriched country, device and browser) and
// written to the outbox in the transaction that counts the batch, so that a replayed batch does
// not announce its clicks twice.
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Db, Tx } from '../db/client'
import { events, links, webhookEndpoints } from '../db/schema'
import { toLink } from '../links/model'
import { COLUMNS } from './batch'

/** Per account and batch (a second's clicks on one instance); the rest are counted, not announced. */
export const CLICK_EVENTS_PER_BATCH = 1000

export type ClickFact = {
  /** The click's own id: its event is `evt_<clickId>`, written once however often the batch is replayed. */
  clickId: string
  linkId: string; ownerId: string; clickedAt: string
  country: string; countryCode: string; city: string; device: string; browser: string; referrer: string
}

// Seed 002 names countries ("Pakistan") and capitalises devices ("Mobile"); the store keeps codes.
const regionNames = new Intl.DisplayNames(['en'], { type: 'region' })
const countryName = (code: string) => {
  try {
    return code ? regionNames.of(code) ?? code : ''
  } catch {
    return code
  }
}
const capitalised = (v: string) => v.charAt(0).toUpperCase() + v.slice(1)

const col = Object.fromEntries(COLUMNS.map((name, i) => [name, i])) as Record<(typeof COLUMNS)[number], number>
const UNESCAPED: Record<string, string> = { t: '\t', n: '\n', r: '\r', '\\': '\\' }
const unescape = (v: string) => (v.includes('\\') ? v.replace(/\\(.)/g, (_, c: string) => UNESCAPED[c] ?? c) : v)

/** Accounts with an active endpoint subscribed to link.clicked. */
export async function clickSubscribers(db: Db): Promise<Set<string>> {
  const rows = await db.selectDistinct({ userId: webhookEndpoints.userId }).from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.isActive, true), sql`'link.clicked' = any(${webhookEndpoints.events})`))
  return new Set(rows.map((r) => r.userId))
}

/** The human clicks of these accounts in a batch, at most CLICK_EVENTS_PER_BATCH each. */
export function clickFactsOf(tsv: Uint8Array, owners: ReadonlySet<string>): { facts: ClickFact[]; skipped: number } {
  const facts: ClickFact[] = []
  const taken = new Map<string, number>()
  let skipped = 0
  for (const line of new TextDecoder().decode(tsv).split('\n')) {
    const f = line.split('\t')
    if (f.length < COLUMNS.length || !owners.has(f[col.owner_id]) || f[col.is_bot] === '1') continue
    const n = taken.get(f[col.owner_id]) ?? 0
    if (n >= CLICK_EVENTS_PER_BATCH) {
      skipped++
      continue
    }
    taken.set(f[col.owner_id], n + 1)
    facts.push({
      clickId: f[col.event_id], linkId: f[col.link_id], ownerId: f[col.owner_id], clickedAt: new Date(Number(f[col.ts]) * 1000).toISOString(),
      country: countryName(f[col.country]), countryCode: f[col.country], city: unescape(f[col.city]),
      device: capitalised(f[col.device]), browser: f[col.browser], referrer: unescape(f[col.referrer_host]),
    })
  }
  return { facts, skipped }
}

/** One link.clicked event per fact, with the link as it is now (facts of deleted links are dropped). */
export async function recordClickEvents(tx: Tx, shortUrlBase: (domain: string) => string, facts: ClickFact[]): Promise<void> {
  // (in slices: a statement takes at most 65,535 parameters, and each event is four)
  for (let i = 0; i < facts.length; i += SLICE) await recordSlice(tx, shortUrlBase, facts.slice(i, i + SLICE))
}

const SLICE = 5000

async function recordSlice(tx: Tx, shortUrlBase: (domain: string) => string, facts: ClickFact[]) {
  const rows = await tx.select().from(links).where(inArray(links.id, [...new Set(facts.map((f) => f.linkId))]))
  const byId = new Map(rows.map((r) => [r.id, toLink(r, shortUrlBase)]))
  const values = facts.flatMap(({ clickId, linkId, ownerId, ...click }) => {
    const link = byId.get(linkId)
    if (!link) return []
    const data = { id: linkId, shortCode: link.shortCode, shortUrl: link.shortUrl, originalUrl: link.originalUrl, ...click }
    return [{ id: `evt_${clickId}`, userId: ownerId, type: 'link.clicked', data }]
  })
  if (values.length) await tx.insert(events).values(values).onConflictDoNothing()
}
