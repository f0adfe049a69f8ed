// link.clicked events, for the accounts whose webhooks subscribe to them: the enrichment worker
// puts their clicks' facts in the batch (click-facts.ts), and they are written to the outbox in the
// transaction that counts the batch, under the click's own id, so that a replayed batch does not
// announce its clicks twice.
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Db, Tx } from '../db/client'
import { events, links, webhookEndpoints } from '../db/schema'
import { toLink, type ShortUrlBase } from '../links/present'
import type { ClickFact } from './click-facts'

/** Accounts with an active endpoint subscribed to link.clicked. */
export async function clickSubscribers(db: Db): Promise<Set<string>> {
  const rows = await db.selectDistinct({ userId: webhookEndpoints.userId }).from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.isActive, true), sql`'link.clicked' = any(${webhookEndpoints.events})`))
  return new Set(rows.map((r) => r.userId))
}

/** One link.clicked event per fact, with the link as it is now (facts of deleted links are dropped). */
export async function recordClickEvents(tx: Tx, shortUrlBase: ShortUrlBase, facts: ClickFact[]): Promise<void> {
  // (in slices: a statement takes at most 65,535 parameters, and each event is four)
  for (let i = 0; i < facts.length; i += SLICE) await recordSlice(tx, shortUrlBase, facts.slice(i, i + SLICE))
}

const SLICE = 5000

async function recordSlice(tx: Tx, shortUrlBase: ShortUrlBase, facts: ClickFact[]) {
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
