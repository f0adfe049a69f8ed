// plan.limit_warning at 90 % and plan.limit_reached at 100 % of the monthly link and click limits,
// each written to the outbox once per period: usage_periods.notified remembers what was sent, and
// the conditional UPDATE makes exactly one of several concurrent transactions send it.
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Tx } from '../db/client'
import { usagePeriods, users } from '../db/schema'
import { recordEvents, type OutboxEvent } from '../events/outbox'
import { findPlan, type Plan } from './table'
import { currentPeriod, type Period } from './period'

type LimitType = 'links' | 'clicks'
type UsageRow = { userId: string; periodStart: string; linksCreated: number; clicks: number; notified: string[] }

/**
 * Call in the transaction that changed the period's usage (link creation, a click batch).
 * A jump from 50 % to 100 % sends both, limit_warning first.
 */
export async function notifyUsageThresholds(tx: Tx, userId: string, plan: Plan, period: Period): Promise<void> {
  const [row] = await tx.select().from(usagePeriods)
    .where(and(eq(usagePeriods.userId, userId), eq(usagePeriods.periodStart, period.start)))
  if (row) await recordEvents(tx, await crossed(tx, row, plan, period))
}

/**
 * The same for a click batch: every (owner, period) the batch touched, in one read; the plan
 * is each owner's current one. Cheap when nothing is crossed, which is nearly always.
 */
export async function notifyUsageThresholdsOf(tx: Tx, plans: readonly Plan[], touched: { userId: string; periodStart: string }[]) {
  const ids = [...new Set(touched.map((t) => t.userId))]
  if (ids.length === 0) return
  const rows = await tx.select({ usage: usagePeriods, plan: users.plan }).from(usagePeriods)
    .innerJoin(users, eq(users.id, usagePeriods.userId))
    .where(and(inArray(usagePeriods.userId, ids), inArray(usagePeriods.periodStart, [...new Set(touched.map((t) => t.periodStart))])))
  const events: OutboxEvent[] = []
  for (const { usage, plan } of rows)
    events.push(...await crossed(tx, usage, findPlan(plans, plan), currentPeriod(new Date(`${usage.periodStart}T00:00:00Z`))))
  await recordEvents(tx, events)
}

async function crossed(tx: Tx, row: UsageRow, plan: Plan, period: Period): Promise<OutboxEvent[]> {
  const events: OutboxEvent[] = []
  const checks: [LimitType, number, number][] = [['links', row.linksCreated, plan.linkLimit], ['clicks', Number(row.clicks), plan.clickLimit]]
  for (const [limitType, used, limit] of checks) {
    if (limit <= 0) continue
    // Each level is claimed on its own, lowest first: a subscriber to warnings alone still hears
    // of a batch that went from below 90 % past 100 %, and each level is sent once.
    const levels = used >= limit ? [90, 100] : used * 10 >= limit * 9 ? [90] : []
    for (const level of levels) {
      const tag = `${limitType}:${level}`
      if (row.notified.includes(tag)) continue
      const claimed = await tx.update(usagePeriods)
        .set({ notified: sql`array_append(${usagePeriods.notified}, ${tag}::text)` })
        .where(and(
          eq(usagePeriods.userId, row.userId), eq(usagePeriods.periodStart, row.periodStart),
          sql`not (${tag} = any(${usagePeriods.notified}))`,
        ))
        .returning({ userId: usagePeriods.userId })
      if (claimed.length === 0) continue
      const base = { plan: plan.name, limitType, limit, used, resetAt: period.endDate.toISOString() }
      events.push(level === 100
        ? { userId: row.userId, type: 'plan.limit_reached', data: base }
        : { userId: row.userId, type: 'plan.limit_warning', data: { ...base, percentUsed: Math.floor((used / limit) * 100) } })
    }
  }
  return events
}
