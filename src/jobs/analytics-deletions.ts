// The clicks of deleted links, deleted from ClickHouse. The link's deletion records the work in
// Postgres (same transaction), so a ClickHouse outage only delays it: it is retried until done.
import { inArray, lte, sql } from 'drizzle-orm'
import type { Deps } from '../deps'
import type { Tx } from '../db/client'
import { analyticsDeletions } from '../db/schema'

const BATCH = 500



/** Inside the link deletion's transaction. Nothing to record without a click store. */
export async function recordAnalyticsDeletions(deps: Deps, tx: Tx, linkIds: string[]): Promise<void> {
  if (!deps.analytics || linkIds.length === 0) return
  await tx.insert(analyticsDeletions).values(linkIds.map((linkId) => ({ linkId }))).onConflictDoNothing()
}

/**
 * Deletes the analytics of due rows, a batch at a time. SKIP LOCKED: instances running this at
 * once take different rows; a row stays locked while ClickHouse works on it.
 */
/** `linkIds`: just those (right after their deletion), due or not; otherwise every due row. */
export async function runAnalyticsDeletions(deps: Deps, linkIds?: string[]): Promise<{ deleted: number; failed: number }> {
  const analytics = deps.analytics
  if (!analytics) return { deleted: 0, failed: 0 }
  let deleted = 0
  for (;;) {
    const now = deps.now()
    const outcome = await deps.db.transaction(async (tx) => {
      const rows = await tx.select({ linkId: analyticsDeletions.linkId }).from(analyticsDeletions)
        .where(linkIds ? inArray(analyticsDeletions.linkId, linkIds) : lte(analyticsDeletions.nextAttemptAt, now))
        .orderBy(analyticsDeletions.nextAttemptAt).limit(BATCH).for('update', { skipLocked: true })
      const ids = rows.map((r) => r.linkId)
      if (ids.length === 0) return { done: 0, error: null, count: 0 }
      const error = await analytics.deleteLinks(ids).then(() => null, (e: unknown) => String(e))
      if (error === null) await tx.delete(analyticsDeletions).where(inArray(analyticsDeletions.linkId, ids))
      else await tx.update(analyticsDeletions).set({
        attempts: sql`${analyticsDeletions.attempts} + 1`,
        lastError: error.slice(0, 500),
        // Doubling from 15 s, at most an hour apart.
        nextAttemptAt: sql`now() + make_interval(secs => least(15 * power(2, least(${analyticsDeletions.attempts}, 8)), 3600))`,
      }).where(inArray(analyticsDeletions.linkId, ids))
      return { done: error === null ? ids.length : 0, error, count: ids.length }
    })
    deleted += outcome.done
    if (outcome.error !== null) {
      deps.log.warn('analytics of deleted links not deleted yet; will retry', { links: outcome.count, error: outcome.error })
      return { deleted, failed: outcome.count }
    }
    if (linkIds || outcome.done < BATCH) return { deleted, failed: 0 }
  }
}
