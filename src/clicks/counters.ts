// Adds a batch's clicks to links.clicks and to the owners' monthly usage in ONE statement: the
// per-link counts travel as one JSON parameter, so the statement's size does not grow with the
// batch's number of parameters.
import { sql } from 'drizzle-orm'
import { rowsOf, type Db, type Tx } from '../db/client'
import { notifyUsageThresholdsOf } from '../plans/thresholds'
import type { Plan } from '../plans/table'
import { countsJsonOf, type EnrichedBatch } from './batch'

/**
 * Also fires plan.limit_warning / plan.limit_reached for clicks, and runs `alsoInTx` (the batch's
 * link.clicked events), in the same transaction. A batch given with its `token` is counted once:
 * given again, it changes nothing.
 */
export async function addClickCounts(db: Db, plans: readonly Plan[], batch: Pick<EnrichedBatch, 'counts' | 'countsJson'>, alsoInTx?: (tx: Tx) => Promise<void>, token?: string): Promise<void> {
  if (batch.counts.length === 0) return
  const counts = countsJsonOf(batch)
  // Clicks of links deleted since are dropped: the UPDATE finds no row and nothing reaches usage.
  await db.transaction(async (tx) => {
    if (token && !(await firstCount(tx, token))) return
    const touched = rowsOf<{ userId: string; periodStart: string }>(await tx.execute(sql`
    with c as (
      select link_id, period, sum(n)::bigint as n
      from json_to_recordset(${counts}::json) as x(link_id text, period date, n bigint)
      group by link_id, period
    ), per_link as (
      select link_id, sum(n)::bigint as n from c group by link_id
    ), upd as (
      update links l set clicks = l.clicks + p.n from per_link p where l.id = p.link_id returning l.id, l.user_id
    )
    insert into usage_periods (user_id, period_start, clicks)
    select upd.user_id, c.period, sum(c.n)::bigint from upd join c on c.link_id = upd.id group by upd.user_id, c.period
    on conflict (user_id, period_start) do update set clicks = usage_periods.clicks + excluded.clicks
    returning user_id as "userId", period_start::text as "periodStart"`))
    await notifyUsageThresholdsOf(tx, plans, touched)
    await alsoInTx?.(tx)
  })
}

/**
 * Records the batch's token; false when it was counted before. (A twin still being counted by
 * another transaction makes this one wait for it, then skip.) Tokens older than a week go.
 */
async function firstCount(tx: Tx, token: string): Promise<boolean> {
  const fresh = rowsOf(await tx.execute(sql`insert into counted_click_batches (token) values (${token}) on conflict do nothing returning token`))
  if (fresh.length === 0) return false
  await tx.execute(sql`delete from counted_click_batches where token in (
    select token from counted_click_batches where counted_at < now() - interval '7 days' limit 1000 for update skip locked)`)
  return true
}
