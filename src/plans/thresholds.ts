// plan.limit_warning at 90 % and plan.limit_reached at 100 % of the monthly link and click limits,
// each written to the outbox once per period: usage_periods.notified remembers what was sent, and
// the conditional UPDATE makes exactly one of several concurrent transactions send it.
import { and, eq, sql } from 'drizzle-orm'
import type { Tx } from '../db/client'
import { usagePeriods } from '../db/schema'
import { recordEvents, type OutboxEvent } from '../events/outbox'
import type { Plan } from './table'
import type { Period } from './usage'

type LimitType = 'links' | 'clicks'

/**
 * Call in the transaction that changed the period's usage (link creation, a click batch).
 * Fires only the highest level reached: a jump from 50 % to 100 % sends limit_reached alone.
 */
export async function notifyUsageThresholds(tx: Tx, userId: string, plan: Plan, period: Period): Promise<void> {
  const [row] = await tx.select().from(usagePeriods)
    .where(and(eq(usagePeriods.userId, userId), eq(usagePeriods.periodStart, period.start)))
  if (!row) return
  const events: OutboxEvent[] = []
  const checks: [LimitType, number, number][] = [['links', row.linksCreated, plan.linkLimit], ['clicks', row.clicks, plan.clickLimit]]
  for (const [limitType, used, limit] of checks) {
    if (limit <= 0) continue
    const level = used >= limit ? 100 : used * 10 >= limit * 9 ? 90 : null
    if (level === null || row.notified.includes(`${limitType}:${level}`)) continue
    const tags = level === 100 ? [`${limitType}:90`, `${limitType}:100`] : [`${limitType}:90`]
    const claimed = await tx.update(usagePeriods)
      .set({ notified: sql`array(select distinct unnest(${usagePeriods.notified} || ${`{${tags.join(',')}}`}::text[]))` })
      .where(and(
        eq(usagePeriods.userId, userId), eq(usagePeriods.periodStart, period.start),
        sql`not (${`${limitType}:${level}`} = any(${usagePeriods.notified}))`,
      ))
      .returning({ userId: usagePeriods.userId })
    if (claimed.length === 0) continue
    const base = { plan: plan.name, limitType, limit, used, resetAt: period.endDate.toISOString() }
    events.push(level === 100
      ? { userId, type: 'plan.limit_reached', data: base }
      : { userId, type: 'plan.limit_warning', data: { ...base, percentUsed: Math.floor((used / limit) * 100) } })
  }
  await recordEvents(tx, events)
}
