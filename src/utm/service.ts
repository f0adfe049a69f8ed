// UTM templates of an account (CRUD), and the click breakdown by a dimension the rollup does not
// keep (utm_*, the A/B variant), optionally for one tag's links, read from the raw events.
import { and, asc, eq } from 'drizzle-orm'
import type { Deps } from '../deps'
import type { Caller } from '../auth/caller'
import { utmTemplates, type UtmTemplateRow } from '../db/schema'
import { AppError } from '../errors'
import { newId } from '../shared/ids'
import { rows } from '../clicks/client'
import { checkUtm } from '../rules/check'
import { taggedLinkIds } from '../analytics/tag-links'
import type { Utm } from '../rules/model'
import type { BREAKDOWN_DIMS } from './model'

const MAX_TEMPLATES = 200
const present = (r: UtmTemplateRow) => ({
  id: r.id, name: r.name, utm: r.utm as Utm, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(),
})
const taken = (name: string) => new AppError('CONFLICT', `A template named "${name}" already exists`, { field: 'name' })
const needsValue = (u: Utm) => checkUtm(u) ?? (() => { throw new AppError('VALIDATION_ERROR', 'utm needs at least one value', { field: 'utm' }) })()

export async function createTemplate(deps: Deps, caller: Caller, input: { name: string; utm: Utm }) {
  const name = input.name.trim()
  if (!name) throw new AppError('VALIDATION_ERROR', 'name must not be blank', { field: 'name' })
  const utm = needsValue(input.utm)
  const count = await deps.db.$count(utmTemplates, eq(utmTemplates.userId, caller.userId))
  if (count >= MAX_TEMPLATES) throw new AppError('VALIDATION_ERROR', `An account has at most ${MAX_TEMPLATES} UTM templates`, { field: 'name' })
  const now = deps.now()
  const [row] = await deps.db.insert(utmTemplates).values({ id: newId('utm'), userId: caller.userId, name, utm, createdAt: now, updatedAt: now })
    .onConflictDoNothing().returning()
  if (!row) throw taken(name)
  return { success: true as const, data: present(row) }
}

export async function listTemplates(deps: Deps, caller: Caller) {
  const list = await deps.db.select().from(utmTemplates).where(eq(utmTemplates.userId, caller.userId)).orderBy(asc(utmTemplates.name))
  return { success: true as const, data: list.map(present) }
}

async function own(deps: Deps, userId: string, id: string) {
  const [row] = await deps.db.select().from(utmTemplates).where(and(eq(utmTemplates.id, id), eq(utmTemplates.userId, userId)))
  if (!row) throw new AppError('NOT_FOUND', 'UTM template not found', { id })
  return row
}

export async function getTemplate(deps: Deps, caller: Caller, id: string) {
  return { success: true as const, data: present(await own(deps, caller.userId, id)) }
}

export async function updateTemplate(deps: Deps, caller: Caller, id: string, input: { name?: string; utm?: Utm }) {
  const current = await own(deps, caller.userId, id)
  const name = input.name?.trim()
  if (input.name !== undefined && !name) throw new AppError('VALIDATION_ERROR', 'name must not be blank', { field: 'name' })
  if (name && name !== current.name) {
    const [other] = await deps.db.select({ id: utmTemplates.id }).from(utmTemplates)
      .where(and(eq(utmTemplates.userId, caller.userId), eq(utmTemplates.name, name)))
    if (other) throw taken(name)
  }
  const [row] = await deps.db.update(utmTemplates)
    .set({ name: name ?? current.name, utm: input.utm ? needsValue(input.utm) : current.utm, updatedAt: deps.now() })
    .where(eq(utmTemplates.id, current.id)).returning()
  return { success: true as const, data: present(row!) }
}

export async function deleteTemplate(deps: Deps, caller: Caller, id: string) {
  const row = await own(deps, caller.userId, id)
  await deps.db.delete(utmTemplates).where(eq(utmTemplates.id, row.id))
  return { success: true as const, data: null, message: 'UTM template deleted' }
}

const COLUMN: Record<(typeof BREAKDOWN_DIMS)[number], string> = {
  utm_source: 'utm_source', utm_medium: 'utm_medium', utm_campaign: 'utm_campaign', utm_term: 'utm_term', utm_content: 'utm_content',
  variant: 'toString(variant)', country: 'toString(country)', device: 'toString(device)', browser: 'toString(browser)',
  os: 'toString(os)', referrer: 'referrer_host', link: 'link_id',
}
const DAY = 86_400_000
const TOP = 50

/** Clicks and visitors per value of `by` over the range; with `tag`, only that tag's links (an unknown tag is a 404). */
export async function breakdown(deps: Deps, caller: Caller, q: { by: (typeof BREAKDOWN_DIMS)[number]; tag?: string; range?: string; bots?: string }) {
  const linkIds = q.tag === undefined ? null : await taggedLinkIds(deps, caller.userId, q.tag)
  const empty = { success: true as const, data: { by: q.by, summary: { totalClicks: 0, uniqueClicks: 0 }, rows: [] as { name: string; clicks: number; visitors: number }[] } }
  const ch = deps.clickhouse
  if (!ch || (linkIds !== null && linkIds.length === 0)) return empty
  const range = q.range ?? '7d'
  const today = Date.parse(deps.now().toISOString().slice(0, 10))
  const from = range === 'all' ? '1970-01-01' : new Date(today - (Number.parseInt(range, 10) - 1) * DAY).toISOString().slice(0, 10)
  const p: Record<string, unknown> = { owner: caller.userId, from }
  let where = `owner_id = {owner:String} AND toDate(ts) >= {from:Date}${q.bots === 'include' ? '' : ' AND is_bot = 0'}`
  if (linkIds !== null) {
    where += ' AND link_id IN {links:Array(String)}'
    p.links = linkIds
  }
  const col = COLUMN[q.by]
  const [list, [total]] = await Promise.all([
    rows<{ name: string; c: string; u: string }>(ch,
      `SELECT ${col} AS name, count() AS c, uniq(visitor_hash) AS u FROM clicks WHERE ${where} GROUP BY name ORDER BY c DESC, name LIMIT ${TOP}`, p),
    rows<{ c: string; u: string }>(ch, `SELECT count() AS c, uniq(visitor_hash) AS u FROM clicks WHERE ${where}`, p),
  ])
  return {
    success: true as const,
    data: {
      by: q.by,
      summary: { totalClicks: Number(total?.c ?? 0), uniqueClicks: Number(total?.u ?? 0) },
      rows: list.map((r) => ({ name: r.name, clicks: Number(r.c), visitors: Number(r.u) })),
    },
  }
}
