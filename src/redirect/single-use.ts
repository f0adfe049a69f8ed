// Single-use links and links with maxClicks are the one redirect that goes to the database: one
// conditional UPDATE counts the use and decides which click wins, across every instance; the use
// that reaches the limit marks the link USED (single use is maxClicks 1).
import { and, eq, gt, isNotNull, isNull, lt, or, sql } from 'drizzle-orm'
import type { Deps } from '../deps'
import { links } from '../db/schema'
import { recordEvents } from '../events/outbox'
import { linkEvent } from '../links/present'
import { visitorOf } from '../clicks/click-facts'
import type { RawClick } from '../clicks/raw-click'

// link.used names the visitor's country and device, as link.clicked does, so a single-use click is
// enriched here too, by the app's enricher built at the first one (it holds the geo files).
function visitor(deps: Deps, click: RawClick): { country: string; device: string } {
  try {
    return visitorOf(deps.singleUseEnricher.get().enrich(click))
  } catch (e) {
    // (a GEOIP_DB file gone since the start): the event says less, the visitor is still served
    deps.log.warn('could not describe the visitor of a single-use link', { error: String(e) })
    return { country: '', device: '' }
  }
}

/** True when this click consumed the link; false when another click already had. */
export async function consumeSingleUse(deps: Deps, linkId: string, click: RawClick): Promise<boolean> {
  const now = deps.now()
  const result = await deps.db.transaction(async (tx) => {
    const [row] = await tx.update(links)
      .set({
        uses: sql`${links.uses} + 1`,
        status: sql`case when ${links.singleUse} or ${links.uses} + 1 >= ${links.maxClicks} then 'USED'::link_status else 'ACTIVE'::link_status end`,
        updatedAt: now,
      })
      .where(and(eq(links.id, linkId), eq(links.status, 'ACTIVE'),
        or(eq(links.singleUse, true), and(isNotNull(links.maxClicks), lt(links.uses, links.maxClicks))),
        or(isNull(links.expiresAt), gt(links.expiresAt, now))))
      .returning()
    if (row?.status !== 'USED') return { row, usedUp: false }
    // A link used up is disabled too, so link.disabled fires beside link.used (reason single_use).
    // (described only for the click that won: the others are answered 410)
    await recordEvents(tx, [
      linkEvent(deps, 'link.used', row, { ...visitor(deps, click), usedAt: now.toISOString() }),
      linkEvent(deps, 'link.disabled', row, { reason: 'single_use', disabledAt: now.toISOString() }),
    ])
    return { row, usedUp: true }
  })
  if (result.usedUp) await deps.linkCache.refresh(result.row!)
  return Boolean(result.row)
}
