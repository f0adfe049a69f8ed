// Single-use links are the one redirect that goes to the database: one conditional UPDATE decides
// which click wins, across every instance.
import { and, eq, gt, isNull, or } from 'drizzle-orm'
import type { Deps } from '../deps'
import { links } from '../db/schema'
import { recordEvents } from '../events/outbox'
import { linkEvent } from '../links/service'
import { cacheKey, toLinkEntry } from './cache'

/** True when this click consumed the link; false when another click already had. */
export async function consumeSingleUse(deps: Deps, linkId: string): Promise<boolean> {
  const now = deps.now()
  const row = await deps.db.transaction(async (tx) => {
    const [row] = await tx.update(links)
      .set({ status: 'USED', updatedAt: now })
      .where(and(eq(links.id, linkId), eq(links.status, 'ACTIVE'), eq(links.singleUse, true),
        or(isNull(links.expiresAt), gt(links.expiresAt, now))))
      .returning()
    // Seed 002: link.disabled fires too when a link is "auto-disabled after single use".
    if (row) await recordEvents(tx, [
      linkEvent(deps, 'link.used', row, { usedAt: now.toISOString() }),
      linkEvent(deps, 'link.disabled', row, { reason: 'single_use', disabledAt: now.toISOString() }),
    ])
    return row
  })
  if (row) await deps.linkCache.publish(cacheKey(row.domain, row.slug), toLinkEntry(row))
  return Boolean(row)
}
