// Analytics answers: ClickHouse figures joined with what Postgres knows (links, usage). Only the
// caller's data: another account's link is not found.
import { and, arrayContains, count, eq, gte, inArray, sql } from 'drizzle-orm'
import type { Deps } from '../deps'
import type { Caller } from '../auth/caller'
import { links, usagePeriods } from '../db/schema'
import { currentPeriod } from '../plans/period'
import { findOwnLink } from '../links/service'
import { present } from '../links/present'
import { clicksPerMonth, firstClickDay, linkFigures, linksFigures, ownerFigures, triggerSplit, type Dims, type Figures, type Span } from './queries'
import { taggedLinkIds } from './tag-links'
import { AppError } from '../errors'

type RangeInput = { range?: '7d' | '30d' | '90d' | 'all'; bots?: 'include' | 'exclude'; tz?: string }

const DAY = 86_400_000
const MAX_DAYS = 3660
const EMPTY: Figures = { days: new Map(), total: 0, unique: 0, dims: { country: [], city: [], device: [], browser: [], referrer: [] } }
/** Clicks by trigger without ClickHouse. */
const NO_TRIGGERS = [{ name: 'link' as const, clicks: 0 }, { name: 'qr' as const, clicks: 0 }]
const isoDay = (d: Date) => d.toISOString().slice(0, 10)

/** With `tag`, every figure (links counted too) covers only the caller's links that have that tag. */
export async function overview(deps: Deps, caller: Caller, q: RangeInput & { tag?: string }) {
  const tagged = q.tag === undefined ? null : await taggedLinkIds(deps, caller.userId, q.tag)
  const ch = tagged?.length === 0 ? null : deps.clickhouse
  const span = await spanOf(deps, q, (tz) => ch ? firstClickDay(ch, caller.userId, tagged, tz) : null)
  const [figures, [totals], byTrigger] = await Promise.all([
    !ch ? { ...EMPTY, links: [] } : tagged ? linksFigures(ch, caller.userId, tagged, span) : ownerFigures(ch, caller.userId, span),
    deps.db.select({
      total: count(),
      active: sql<number>`count(*) filter (where ${links.status} = 'ACTIVE' and (${links.expiresAt} is null or ${links.expiresAt} > now()))`.mapWith(Number),
    }).from(links).where(and(eq(links.userId, caller.userId), q.tag === undefined ? undefined : arrayContains(links.tagIds, [q.tag]))),
    ch ? triggerSplit(ch, caller.userId, tagged, span) : NO_TRIGGERS,
  ])
  const ids = figures.links.map((l) => l.linkId)
  const known = ids.length === 0 ? [] : await deps.db.select().from(links).where(and(eq(links.userId, caller.userId), inArray(links.id, ids)))
  const byId = new Map(known.map((r) => [r.id, present(deps, r)]))
  return {
    success: true as const,
    data: {
      summary: { totalClicks: figures.total, uniqueClicks: figures.unique, totalLinks: totals.total, activeLinks: totals.active },
      clicksOverTime: zeroFilled(span, figures.days),
      topLinks: figures.links.flatMap((l) => {
        const link = byId.get(l.linkId)
        return link ? [{ shortCode: link.shortCode, shortUrl: link.shortUrl, clicks: l.clicks }] : []
      }),
      ...topLists(figures.dims),
      byTrigger,
    },
  }
}

export async function linkReport(deps: Deps, caller: Caller, shortCode: string, q: RangeInput) {
  const row = await findOwnLink(deps, caller, shortCode)
  const ch = deps.clickhouse
  const span = await spanOf(deps, q, async (tz) => {
    const first = ch ? await firstClickDay(ch, caller.userId, row.id, tz) : null
    const created = dayIn(row.createdAt, tz)
    return first && first < created ? first : created
  })
  const [figures, byTrigger] = await Promise.all([
    ch ? linkFigures(ch, caller.userId, row.id, span) : EMPTY,
    ch ? triggerSplit(ch, caller.userId, row.id, span) : NO_TRIGGERS,
  ])
  return {
    success: true as const,
    data: {
      link: present(deps, row),
      summary: { totalClicks: figures.total, uniqueClicks: figures.unique },
      clicksOverTime: zeroFilled(span, figures.days),
      ...topLists(figures.dims),
      byTrigger,
    },
  }
}

/** With `tag`, the months count only the caller's links that have that tag; the usage stays the account's. */
export async function accountReport(deps: Deps, caller: Caller, q: { bots?: 'include' | 'exclude'; tag?: string }) {
  const tagged = q.tag === undefined ? undefined : await taggedLinkIds(deps, caller.userId, q.tag)
  const ch = tagged?.length === 0 ? null : deps.clickhouse
  const now = deps.now()
  const months = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11 + i, 1)))
  const from = months[0]
  const monthOf = sql<string>`to_char(${links.createdAt} at time zone 'UTC', 'YYYY-MM')`
  const period = currentPeriod(now)
  const [clicks, created, [usage]] = await Promise.all([
    ch ? clicksPerMonth(ch, caller.userId, isoDay(from), q.bots === 'include', tagged) : new Map<string, number>(),
    deps.db.select({ m: monthOf, n: count() }).from(links)
      .where(and(eq(links.userId, caller.userId), gte(links.createdAt, from), q.tag === undefined ? undefined : arrayContains(links.tagIds, [q.tag]))).groupBy(monthOf),
    deps.db.select().from(usagePeriods).where(and(eq(usagePeriods.userId, caller.userId), eq(usagePeriods.periodStart, period.start))),
  ])
  const linksBy = new Map(created.map((r) => [r.m, r.n]))
  const { plan } = caller
  const clicksUsed = usage?.clicks ?? 0
  const linksUsed = usage?.linksCreated ?? 0
  return {
    success: true as const,
    data: {
      months: months.map((d) => {
        const m = isoDay(d).slice(0, 7)
        return { month: m, clicks: clicks.get(m) ?? 0, links: linksBy.get(m) ?? 0 }
      }),
      usage: {
        periodStart: period.startDate.toISOString(), periodEnd: period.endDate.toISOString(),
        clicksUsed, clickLimit: plan.clickLimit, clicksRemaining: Math.max(0, plan.clickLimit - clicksUsed),
        linksUsed, linkLimit: plan.linkLimit, linksRemaining: Math.max(0, plan.linkLimit - linksUsed),
      },
    },
  }
}

/** Today and the days before it, in the zone asked for (UTC unless given); `all` starts at the first day with data. */
async function spanOf(deps: Deps, q: RangeInput, firstDay: (tz: string | null) => Promise<string | null> | null): Promise<Span> {
  const tz = zoneOf(q.tz)
  const today = dayIn(deps.now(), tz)
  const range = q.range ?? '7d'
  let days = range === 'all' ? 1 : Number.parseInt(range, 10)
  if (range === 'all') {
    const first = await firstDay(tz)
    if (first) days = Math.min(MAX_DAYS, Math.round((Date.parse(today) - Date.parse(first)) / DAY) + 1)
  }
  return { from: isoDay(new Date(Date.parse(today) - (days - 1) * DAY)), to: today, bots: q.bots === 'include', tz }
}

/** An IANA zone name, as its canonical name; null for UTC (and for none), which the rollup answers. */
function zoneOf(tz: string | undefined): string | null {
  if (tz === undefined) return null
  let name: string
  try {
    // A zone name (Area/Location, Etc/GMT+5, UTC), never an offset such as +05:00 that the
    // browser's Intl takes and ClickHouse does not.
    if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(tz)) throw new RangeError('not a zone name')
    name = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone
  } catch {
    throw new AppError('VALIDATION_ERROR', `tz must be an IANA time zone such as Europe/Berlin, not ${JSON.stringify(tz.slice(0, 64))}`, { field: 'tz' })
  }
  return name === 'UTC' || name === 'Etc/UTC' || name === 'Etc/GMT' ? null : name
}

const dayFormats = new Map<string, Intl.DateTimeFormat>()
/** The calendar day (YYYY-MM-DD) of an instant in a zone (null: UTC). */
function dayIn(at: Date, tz: string | null): string {
  if (!tz) return isoDay(at)
  let f = dayFormats.get(tz)
  if (!f) dayFormats.set(tz, f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }))
  return f.format(at)
}

function zeroFilled(span: Span, days: Map<string, number>) {
  const out: { date: string; clicks: number }[] = []
  for (let t = Date.parse(span.from); t <= Date.parse(span.to); t += DAY) {
    const date = isoDay(new Date(t))
    out.push({ date, clicks: days.get(date) ?? 0 })
  }
  return out
}

const topLists = (d: Dims) => ({
  topCountries: d.country, topCities: d.city, topDevices: d.device, topBrowsers: d.browser, topReferrers: d.referrer,
})
