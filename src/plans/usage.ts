// Monthly usage: the current period, and the atomic "take one link from the quota".
import { and, eq, sql } from 'drizzle-orm'
import type { Tx } from '../db/client'
import { usagePeriods } from '../db/schema'
import { AppError } from '../errors'
import { nextPlan, type Plan } from './table'
import { notifyUsageThresholds } from './thresholds'
import { currentPeriod } from './period'

/** The answer to a create past the plan's monthly links, with the plan to move up to. */
export function linkLimitExceeded(plan: Plan, plans: readonly Plan[]): AppError {
  const up = nextPlan(plans, plan)
  return new AppError('PLAN_LIMIT_EXCEEDED', `The ${plan.name} plan allows ${plan.linkLimit} links a month`, {
    limit: plan.linkLimit,
    recommend: up ? { name: up.name, priceMonthly: up.priceMonthly, linkLimit: up.linkLimit } : null,
  })
}

export async function linksUsed(tx: Tx, userId: string, now: Date): Promise<number> {
  const rows = await tx
    .select({ used: usagePeriods.linksCreated })
    .from(usagePeriods)
    .where(and(eq(usagePeriods.userId, userId), eq(usagePeriods.periodStart, currentPeriod(now).start)))
  return rows[0]?.used ?? 0
}

/** The period's usage row as numbers (zeros before the first link or click of the month). */
export async function periodUsage(tx: Tx, userId: string, now: Date) {
  const period = currentPeriod(now)
  const [row] = await tx.select({ links: usagePeriods.linksCreated, clicks: usagePeriods.clicks })
    .from(usagePeriods)
    .where(and(eq(usagePeriods.userId, userId), eq(usagePeriods.periodStart, period.start)))
  return { period, linksUsed: row?.links ?? 0, clicksUsed: Number(row?.clicks ?? 0) }
}
