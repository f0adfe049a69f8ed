// Bulk create (one bad item never fails the others) and bulk actions on many slugs.
import { and, eq, inArray } from 'drizzle-orm'
import { Value } from '@sinclair/typebox/value'
import type { Deps } from '../deps'
import type { Caller } from '../auth/caller'
import { links, type LinkRow } from '../db/schema'
import { AppError } from '../errors'
import { recordEvents } from '../events/outbox'
import { createBody, type Link } from './model'
import { insertPlannedLink, planLink, removeLinks, type PlannedLink } from './service'
import { linkEvent } from './present'
import { notifyUsageThresholds } from '../plans/thresholds'
import type { Period } from '../plans/period'

export async function bulkCreate(deps: Deps, caller: Caller, items: unknown[]) {
  if (items.length > caller.plan.bulkLimit)
    throw new AppError('VALIDATION_ERROR', `The ${caller.plan.name} plan creates at most ${caller.plan.bulkLimit} links per bulk request`,
      { field: 'links', limit: caller.plan.bulkLimit })
  // Links made in the dashboard (a session, not a key) are the dashboard's, one at a time or many.
  const source = caller.session ? 'DASHBOARD' : 'BULK'
  const failed: { index: number; error: string; code: string }[] = []
  const fail = (index: number, e: unknown) => {
    if (!(e instanceof AppError) || e.code === 'INTERNAL') return false
    failed.push({ index, code: e.code, error: e.message })
    return true
  }
  // Each item is checked and worked out first, then the inserts are sent together over one
  // connection and run in the items' order: at the plan's limit the first rows are the ones created,
  // as one after the other, without a round trip per link (a bulk of 1,000 took one per link).
  const planned: { index: number; link: PlannedLink }[] = []
  for (const [index, item] of items.entries()) {
    if (!Value.Check(createBody, item)) {
      const first = Value.Errors(createBody, item).First()
      const field = first?.path.replace(/^\//, '').replace(/\//g, '.') || 'link'
      failed.push({ index, code: 'VALIDATION_ERROR', error: `${field}: ${first?.message ?? 'invalid'}` })
      continue
    }
    try {
      planned.push({ index, link: await planLink(deps, caller, item, source) })
    } catch (e) {
      if (!fail(index, e)) throw e
    }
  }
  // Their cache entries are published together at the end, pipelined, before the answer.
  const toPublish: LinkRow[] = []
  const collect = async (row: LinkRow) => void toPublish.push(row)
  // (typed by its initializer: set in a callback, it would otherwise read as null below)
  let nearLimit = null as Period | null
  const settled = await deps.database.inOrder((db) => Promise.allSettled(planned.map((p) =>
    insertPlannedLink(deps, caller, p.link, collect, { db, nearLimit: (period) => void (nearLimit = period) }))))
  const created: Link[] = []
  let broken: unknown = null
  settled.forEach((r, i) => {
    if (r.status === 'fulfilled') created.push(r.value.data)
    else if (!fail(planned[i].index, r.reason)) broken ??= r.reason
  })
  await publishAll(deps, toPublish)
  // (once for the whole bulk, with the usage after its last insert; a broken bulk's error wins)
  const period = nearLimit
  if (period) await deps.db.transaction((tx) => notifyUsageThresholds(tx, caller.userId, caller.plan, period)).catch((e) => { broken ??= e })
  if (broken) throw broken
  failed.sort((a, b) => a.index - b.index)
  return { success: true as const, data: { created, failed, totalCreated: created.length, totalFailed: failed.length } }
}

const publishAll = (deps: Deps, rows: LinkRow[]) => Promise.all(rows.map((r) => deps.linkCache.refresh(r)))

type Action = 'DELETE' | 'DISABLE' | 'ENABLE'

export async function bulkAction(deps: Deps, caller: Caller, shortCodes: string[], action: Action) {
  const wanted = [...new Set(shortCodes)]
  const rows = await deps.db.select().from(links)
    .where(and(eq(links.userId, caller.userId), inArray(links.slug, wanted)))
  const bySlug = new Map<string, LinkRow>()
  for (const r of rows) if (!bySlug.has(r.slug) || r.domain === '') bySlug.set(r.slug, r)
  const found = [...bySlug.values()]
  const errors = wanted.filter((s) => !bySlug.has(s)).map((shortCode) => ({ shortCode, error: 'Link not found' }))
  if (action === 'DELETE') await removeLinks(deps, found)
  else await setStatuses(deps, found, action === 'DISABLE' ? 'DISABLED' : 'ACTIVE')
  return { success: true as const, data: { processed: found.length, failed: errors.length, errors } }
}

async function setStatuses(deps: Deps, rows: LinkRow[], status: 'ACTIVE' | 'DISABLED') {
  const now = deps.now()
  // Enabling only lifts a manual disable: an expired or used link stays as it is.
  const from = status === 'DISABLED' ? ['ACTIVE', 'EXPIRED', 'USED'] as const : ['DISABLED'] as const
  const ids = rows.filter((r) => (from as readonly string[]).includes(r.status)).map((r) => r.id)
  if (ids.length === 0) return
  const updated = await deps.db.transaction(async (tx) => {
    const updated = await tx.update(links).set({ status, updatedAt: now }).where(inArray(links.id, ids)).returning()
    if (status === 'DISABLED')
      await recordEvents(tx, updated.map((r) => linkEvent(deps, 'link.disabled', r, { reason: 'manual', disabledAt: now.toISOString() })))
    return updated
  })
  await Promise.all(updated.map((r) => deps.linkCache.refresh(r)))
}
