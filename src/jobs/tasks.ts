// The scheduled tasks. Each piece of work is claimed by a conditional write or an advisory lock,
// so a task run twice at once, or on two instances, does it once.
import { and, eq, inArray, isNotNull, lte, sql } from 'drizzle-orm'
import type { Deps } from '../deps'
import { events, links, usagePeriods, users } from '../db/schema'
import { rowsOf } from '../db/client'
import { ADVISORY_LOCKS } from '../db/advisory-locks'
import { recordEvents } from '../events/outbox'
import { linkEvent } from '../links/present'
import { currentPeriod } from '../plans/period'
import type { Mail } from '../mail/mailer'

export const TASKS = ['renew', 'weekly', 'expire'] as const
export type Task = (typeof TASKS)[number]

const BATCH = 1000

/** Marks links past expiresAt as EXPIRED and fires link.expired once per link. */
export async function expireLinks(deps: Deps): Promise<{ expired: number }> {
  let expired = 0
  for (;;) {
    const now = deps.now()
    const rows = await deps.db.transaction(async (tx) => {
      // SKIP LOCKED: a concurrent run takes other rows; the status condition makes a row expire once.
      const due = tx.select({ id: links.id }).from(links)
        .where(and(eq(links.status, 'ACTIVE'), isNotNull(links.expiresAt), lte(links.expiresAt, now)))
        .limit(BATCH).for('update', { skipLocked: true })
      const rows = await tx.update(links).set({ status: 'EXPIRED', updatedAt: now })
        .where(and(inArray(links.id, due), eq(links.status, 'ACTIVE'))).returning()
      await recordEvents(tx, rows.map((r) => linkEvent(deps, 'link.expired', r, { expiredAt: (r.expiresAt ?? now).toISOString() })))
      return rows
    })
    await Promise.all(rows.map((r) => deps.linkCache.refresh(r)))
    expired += rows.length
    if (rows.length < BATCH) return { expired }
  }
}

/** Opens the new period's usage row for every account, so that counters start at zero. */
export async function renewPeriods(deps: Deps): Promise<{ accounts: number }> {
  const period = currentPeriod(deps.now())
  const opened = await deps.db.insert(usagePeriods)
    .select(deps.db.select({
      userId: users.id, periodStart: sql<string>`${period.start}::date`.as('period_start'),
      linksCreated: sql<number>`0`.as('links_created'), clicks: sql<number>`0`.as('clicks'),
      notified: sql<string[]>`'{}'::text[]`.as('notified'),
    }).from(users))
    .onConflictDoNothing()
    .returning({ userId: usagePeriods.userId })
  return { accounts: opened.length }
}

/** One report.weekly event per account and ISO week, with the week's figures from the counters. */
export async function weeklyReports(deps: Deps): Promise<{ reports: number }> {
  const now = deps.now()
  const weekAgo = new Date(now.getTime() - 7 * 86_400_000)
  const week = isoWeek(now)
  const mailer = deps.mailer
  return deps.db.transaction(async (tx) => {
    const [{ locked }] = rowsOf<{ locked: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${ADVISORY_LOCKS.weeklyReports}) as locked`))
    if (!locked) return []
    const reported = await tx.select({ userId: events.userId }).from(events)
      .where(and(eq(events.type, 'report.weekly'), sql`${events.data}->>'week' = ${week}`))
    const done = new Set(reported.map((r) => r.userId))
    const rows = await tx.select({
      userId: users.id,
      email: users.email,
      totalLinks: sql<number>`count(${links.id})::int`,
      newLinks: sql<number>`(count(${links.id}) filter (where ${links.createdAt} >= ${weekAgo.toISOString()}::timestamptz))::int`,
      clicks: sql<number>`coalesce(sum(${links.clicks}), 0)::bigint`,
    }).from(users).leftJoin(links, eq(links.userId, users.id)).where(eq(users.blocked, false)).groupBy(users.id)
    const due = rows.filter((r) => !done.has(r.userId))
    await recordEvents(tx, due.map((r) => ({
      userId: r.userId, type: 'report.weekly' as const,
      data: { week, totalLinks: r.totalLinks, newLinks: r.newLinks, totalClicks: Number(r.clicks), generatedAt: now.toISOString() },
    })))
    return due
  }).then((due) => {
    for (const r of due) mailer.send(weeklyMail(r.email, week, r))
    return { reports: due.length }
  })
}

function weeklyMail(to: string, week: string, r: { totalLinks: number; newLinks: number; clicks: number }): Mail {
  return {
    to,
    kind: 'weekly-report',
    subject: `Your Kurz week ${week}`,
    text: [`Week ${week}:`, `- links created: ${r.newLinks}`, `- links in total: ${r.totalLinks}`, `- clicks in total: ${Number(r.clicks)}`].join('\n'),
  }
}

export function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()))
  const day = t.getUTCDay() || 7
  t.setUTCDate(t.getUTCDate() + 4 - day)
  const yearStart = new Date(Date.UTC(t.getUTCFullYear(), 0, 1))
  const week = Math.ceil(((t.getTime() - yearStart.getTime()) / 86_400_000 + 1) / 7)
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`
}

export async function runTasks(deps: Deps, tasks: readonly Task[]) {
  const results: Record<string, unknown> = {}
  for (const task of tasks) {
    results[task] = task === 'expire' ? await expireLinks(deps) : task === 'renew' ? await renewPeriods(deps) : await weeklyReports(deps)
  }
  return results
}
