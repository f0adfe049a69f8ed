// GET /api/v1/me: the account, its plan and this month's usage.
import { count, eq } from 'drizzle-orm'
import type { Deps } from '../deps'
import { apiKeys, domains, users } from '../db/schema'
import { AppError } from '../errors'
import type { Caller } from '../auth/caller'
import { periodUsage } from '../plans/usage'

export async function getMe(deps: Deps, caller: Caller) {
  const [[row], usage, [keys], [owned]] = await Promise.all([
    deps.db.select().from(users).where(eq(users.id, caller.userId)),
    periodUsage(deps.db, caller.userId, deps.now()),
    deps.db.select({ n: count() }).from(apiKeys).where(eq(apiKeys.userId, caller.userId)),
    deps.db.select({ n: count() }).from(domains).where(eq(domains.userId, caller.userId)),
  ])
  if (!row) throw new AppError('UNAUTHORIZED', 'The account no longer exists')
  const { plan } = caller
  return {
    success: true as const,
    data: {
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      emailVerified: row.emailVerified,
      twoFactorEnabled: row.totpEnabled,
      plan: {
        name: plan.name, linkLimit: plan.linkLimit, clickLimit: plan.clickLimit,
        rateLimitPerMinute: plan.rateLimitPerMinute, priceMonthly: plan.priceMonthly,
        accountRateLimitPerMinute: plan.accountRateLimitPerMinute, keyLimit: plan.keyLimit, domainLimit: plan.domainLimit,
        bulkLimit: plan.bulkLimit, typedLinks: plan.typedLinks,
      },
      usage: {
        linksUsed: usage.linksUsed,
        linksRemaining: Math.max(0, plan.linkLimit - usage.linksUsed),
        clicksUsed: usage.clicksUsed,
        clicksRemaining: Math.max(0, plan.clickLimit - usage.clicksUsed),
        periodStart: usage.period.startDate.toISOString(),
        periodEnd: usage.period.endDate.toISOString(),
        keysUsed: keys?.n ?? 0,
        domainsUsed: owned?.n ?? 0,
      },
    },
  }
}
