// Single-use links are the one redirect that goes to the database: one conditional UPDATE decides
// which click wins, across every instance.
import { and, eq, gt, isNull, or } from 'drizzle-orm'
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
  const row = await deps.db.transaction(async (tx) => {
    const [row] = await tx.update(links)
      .set({ status: 'USED', updatedAt: now })
      .where(and(eq(links.id, linkId), eq(links.status, 'ACTIVE'), eq(links.singleUse, true),
        or(isNull(links.expiresAt), gt(links.expiresAt, now))))
      .returning()
    // A link used up is disabled too, so link.disabled fires beside link.used (reason single_use).
    // (described only for the click that won: the others are answered 410)
    if (row) await recordEvents(tx, [
      linkEvent(deps, 'link.used', row, { ...visitor(deps, click), usedAt: now.toISOString() }),
      linkEvent(deps, 'link.disabled', row, { reason: 'single_use', disabledAt: now.toISOString() }),
    ])
    return row
  })
  if (row) await deps.linkCache.refresh(row)
  return Boolean(row)
}
