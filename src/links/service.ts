// Links: create, read, list, update, delete. Every mutation writes its outbox event in the same
// transaction, then refreshes the shared cache and evicts the key on every instance.
import { and, count, desc, eq, ilike, isNull, lte, gt, or, sql, type SQL } from 'drizzle-orm'
import type { Deps } from '../deps'
import type { Tx } from '../db/client'
import { domains, linkCounts, links, type LinkRow } from '../db/schema'
import { AppError } from '../errors'
import type { Caller } from '../auth/caller'
import { newId } from '../shared/ids'
import { paging, pageOf } from '../shared/envelope'
import { recordEvents, type EventType } from '../events/outbox'
import { checkCustomSlug, generateSlug } from './slug'
import { checkDestination, destinationPolicy } from './destination'
import { resolveExpiry } from './expiry'
import { checkPayload } from './payload'
import { type CreateLinkInput, type ListLinksQuery, type UpdateLinkInput } from './model'
import { recordAnalyticsDeletions, runAnalyticsDeletions } from '../jobs/analytics-deletions'
import { linkEvent, present } from './present'
import { smartColumns } from '../rules/write'
import { tagFilter } from '../tags/service'
import { smartChanges } from './smart-fields'
import { insertCreatedLink, type InsertOptions } from './create-statement'
import { preparedPerDb } from '../db/prepared'

type Source = LinkRow['source']

/**
 * `publish` puts the new link in the shared cache and evicts its key everywhere (a miss on its
 * slug may be cached); a caller creating many at once may collect them and publish together.
 */
export async function createLink(deps: Deps, caller: Caller, input: CreateLinkInput, source: Source = caller.session ? 'DASHBOARD' : 'API',
  publish: (row: LinkRow) => Promise<void> = (row) => deps.linkCache.refresh(row)) {
  return insertPlannedLink(deps, caller, await planLink(deps, caller, input, source), publish)
}

/** A create checked and worked out, not yet written: the link's values and its event's extras. */
export type PlannedLink = { values: Parameters<typeof insertCreatedLink>[2]; generated: boolean; eventExtra: Record<string, unknown> }

/** Checks a create and works out its row (a custom domain or a rule may need a look-up); writes nothing. */
export async function planLink(deps: Deps, caller: Caller, input: CreateLinkInput, source: Source): Promise<PlannedLink> {
  const now = deps.now()
  const kind = input.kind ?? 'url'
  const rawUrl = input.originalUrl ?? input.url
  let originalUrl: string | null = null
  let payload: Record<string, unknown> | null = null
  if (kind === 'url') {
    if (rawUrl === undefined) throw new AppError('VALIDATION_ERROR', 'originalUrl (or url) is required', { field: 'originalUrl' })
    originalUrl = checkDestination(rawUrl, destinationPolicy(deps))
  } else {
    if (!caller.plan.typedLinks) throw new AppError('FORBIDDEN', `${kind} links need a paid plan`, { field: 'kind' })
    payload = checkPayload(kind, input.payload)
  }
  const customSlug = input.customSlug ?? input.slug
  const slug = customSlug ? checkCustomSlug(customSlug) : null
  const domain = input.domain ? await ownedVerifiedDomain(deps, caller, input.domain) : ''
  const expiresAt = resolveExpiry(input.expiresIn, caller.plan, now, deps.config.plans)
  const smart = { ...await smartColumns(deps, caller, input, kind), ...await smartChanges(deps, input, kind) }
  return {
    values: {
      id: newId('lnk'), userId: caller.userId, domain, slug: slug ?? generateSlug(), kind, originalUrl, payload,
      title: input.title ?? null, status: 'ACTIVE', singleUse: input.singleUse ?? false, expiresAt, source,
      createdAt: now, updatedAt: now, ...smart,
    },
    generated: slug === null,
    eventExtra: { title: input.title ?? null, source, createdAt: now.toISOString() },
  }
}

/** Writes a planned create (`options`: how a bulk create runs many). */
export async function insertPlannedLink(deps: Deps, caller: Caller, planned: PlannedLink,
  publish: (row: LinkRow) => Promise<void>, options: InsertOptions = {}) {
  const { row, linksUsed } = await insertCreatedLink(deps, caller.plan, planned.values, planned.generated, planned.eventExtra, slugTaken, options)
  await publish(row)
  const linkLimit = caller.plan.linkLimit
  return {
    success: true as const,
    data: present(deps, row),
    usage: { linksUsed, linkLimit, linksRemaining: Math.max(0, linkLimit - linksUsed) },
  }
}

async function ownedVerifiedDomain(deps: Deps, caller: Caller, hostname: string): Promise<string> {
  const host = hostname.trim().toLowerCase().replace(/\.$/, '')
  if (host === deps.config.shortHost) return ''
  if (caller.plan.domainLimit <= 0) throw new AppError('FORBIDDEN', 'Custom domains need a paid plan', { field: 'domain' })
  const [row] = await deps.db.select({ isVerified: domains.isVerified }).from(domains)
    .where(and(eq(domains.hostname, host), eq(domains.userId, caller.userId)))
  if (!row) throw new AppError('VALIDATION_ERROR', `The domain ${host} is not one of yours`, { field: 'domain' })
  if (!row.isVerified) throw new AppError('VALIDATION_ERROR', `The domain ${host} is not verified yet`, { field: 'domain' })
  return host
}

/** By id, or by slug (the default domain's first). Another account's link is "not found". */
export async function findOwnLink(deps: Deps, caller: Caller, idOrSlug: string, tx: Tx = deps.db): Promise<LinkRow> {
  const [row] = await tx.select().from(links)
    .where(and(eq(links.userId, caller.userId), or(eq(links.id, idOrSlug), eq(links.slug, idOrSlug))))
    .orderBy(sql`(${links.id} = ${idOrSlug}) desc`, sql`(${links.domain} = '') desc`)
    .limit(1)
  if (!row) throw new AppError('LINK_NOT_FOUND', 'Link not found', { idOrSlug })
  return row
}

export async function listLinks(deps: Deps, caller: Caller, query: ListLinksQuery) {
  const p = paging(query)
  const now = deps.now()
  const unfiltered = (query.status ?? 'ALL') === 'ALL' && !query.search?.trim() && !query.tags?.trim()
  const [rows, total] = await Promise.all([
    unfiltered ? newestFirst(deps.db).execute({ userId: caller.userId, limit: p.size, offset: p.offset }) : listPage(deps, caller.userId, query, now),
    unfiltered ? accountLinkCount(deps, caller.userId) : countLinks(deps, listFilter(caller.userId, query, now)),
  ])
  return pageOf(rows.map((r) => present(deps, r)), total, p)
}

const listFilter = (userId: string, query: ListLinksQuery, now: Date) =>
  and(eq(links.userId, userId), statusFilter(query.status ?? 'ALL', now), searchFilter(query.search), tagFilter(query.tags, query.tagMode))

/** One page of the list, newest first: read off links_user_created_idx (user_id, created_at, id). */
export function listPage(deps: Deps, userId: string, query: ListLinksQuery, now = deps.now()) {
  const p = paging(query)
  return deps.db.select().from(links).where(listFilter(userId, query, now))
    .orderBy(desc(links.createdAt), desc(links.id)).limit(p.size).offset(p.offset)
}

/** The unfiltered page, the list's most common call (building it was half of a 100-link page's CPU). */
const newestFirst = preparedPerDb((db) => db.select().from(links)
  .where(eq(links.userId, sql.placeholder('userId')))
  .orderBy(desc(links.createdAt), desc(links.id))
  .limit(sql.placeholder('limit')).offset(sql.placeholder('offset'))
  .prepare('kurz_links_newest_first'))

/** Every link of the account: one row of link_counts, kept by triggers (migrations/postgres/0002). */
async function accountLinkCount(deps: Deps, userId: string): Promise<number> {
  const [row] = await linkCountOf(deps.db).execute({ userId })
  return row?.n ?? 0
}
const linkCountOf = preparedPerDb((db) => db.select({ n: linkCounts.links }).from(linkCounts)
  .where(eq(linkCounts.userId, sql.placeholder('userId'))).prepare('kurz_account_link_count'))

async function countLinks(deps: Deps, where: SQL | undefined): Promise<number> {
  const [{ total }] = await deps.db.select({ total: count() }).from(links).where(where)
  return Number(total)
}

function statusFilter(status: NonNullable<ListLinksQuery['status']>, now: Date): SQL | undefined {
  const pastExpiry = and(eq(links.status, 'ACTIVE'), lte(links.expiresAt, now))
  switch (status) {
    case 'ALL': return undefined
    case 'ACTIVE': return and(eq(links.status, 'ACTIVE'), or(isNull(links.expiresAt), gt(links.expiresAt, now)))
    case 'EXPIRED': return or(eq(links.status, 'EXPIRED'), pastExpiry)
    default: return eq(links.status, status)
  }
}

function searchFilter(search: string | undefined): SQL | undefined {
  const term = search?.trim()
  if (!term) return undefined
  const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  return or(ilike(links.slug, pattern), ilike(links.originalUrl, pattern), ilike(links.title, pattern))
}

export async function updateLink(deps: Deps, caller: Caller, idOrSlug: string, input: UpdateLinkInput) {
  const now = deps.now()
  const current = await findOwnLink(deps, caller, idOrSlug)
  const changes: Partial<typeof links.$inferInsert> = { updatedAt: now }
  const rawUrl = input.originalUrl ?? input.url
  if (rawUrl !== undefined) {
    if (current.kind !== 'url') throw new AppError('VALIDATION_ERROR', `A ${current.kind} link has no originalUrl`, { field: 'originalUrl' })
    changes.originalUrl = checkDestination(rawUrl, destinationPolicy(deps))
  }
  if (input.payload !== undefined) {
    if (current.kind === 'url') throw new AppError('VALIDATION_ERROR', 'A url link has no payload', { field: 'payload' })
    if (!caller.plan.typedLinks) throw new AppError('FORBIDDEN', `${current.kind} links need a paid plan`, { field: 'payload' })
    changes.payload = checkPayload(current.kind, input.payload)
  }
  const newSlug = input.customSlug ?? input.slug
  if (newSlug !== undefined && newSlug !== current.slug) changes.slug = checkCustomSlug(newSlug)
  if (input.domain !== undefined) {
    const domain = input.domain ? await ownedVerifiedDomain(deps, caller, input.domain) : ''
    if (domain !== current.domain) changes.domain = domain
  }
  if (input.title !== undefined) changes.title = input.title
  if (input.singleUse !== undefined) changes.singleUse = input.singleUse
  if (input.expiresIn !== undefined) changes.expiresAt = resolveExpiry(input.expiresIn, caller.plan, now, deps.config.plans)
  if (input.status !== undefined) changes.status = input.status
  Object.assign(changes, await smartColumns(deps, caller, input, current.kind), await smartChanges(deps, input, current.kind))
  const expiresAt = changes.expiresAt !== undefined ? changes.expiresAt : current.expiresAt
  if (input.status === 'ACTIVE' && expiresAt && expiresAt <= now)
    throw new AppError('VALIDATION_ERROR', 'The link has expired: give a new expiresIn to activate it', { field: 'expiresIn' })
  // Re-activating an expired or used link with a new expiry makes it active again.
  if (input.status === undefined && changes.expiresAt !== undefined && current.status === 'EXPIRED') changes.status = 'ACTIVE'

  const moved = changes.slug !== undefined || changes.domain !== undefined
  const row = await deps.db.transaction(async (tx) => {
    if (moved) await slugFree(tx, changes.domain ?? current.domain, changes.slug ?? current.slug)
    const [row] = await tx.update(links).set(changes).where(eq(links.id, current.id)).returning()
      .catch((e) => { throw isUniqueViolation(e) ? slugTaken(changes.slug ?? current.slug) : e })
    if (!row) throw new AppError('LINK_NOT_FOUND', 'Link not found')
    if (row.status === 'DISABLED' && current.status !== 'DISABLED')
      await recordEvents(tx, [linkEvent(deps, 'link.disabled', row, { reason: 'manual', disabledAt: now.toISOString() })])
    return row
  })
  await deps.linkCache.refresh(row)
  // The old short URL stops answering at once on every instance.
  if (moved) await deps.linkCache.forget(current.domain, current.slug)
  return { success: true as const, data: present(deps, row) }
}

const slugTaken = (slug: string) => new AppError('SLUG_ALREADY_EXISTS', `The slug "${slug}" is already taken`, { field: 'slug', slug })

async function slugFree(tx: Tx, domain: string, slug: string) {
  const [taken] = await tx.select({ id: links.id }).from(links).where(and(eq(links.domain, domain), eq(links.slug, slug))).limit(1)
  if (taken) throw slugTaken(slug)
}

function isUniqueViolation(e: unknown): boolean {
  const code = (x: unknown) => (x && typeof x === 'object' && 'code' in x ? (x as { code: unknown }).code : undefined)
  return code(e) === '23505' || code((e as { cause?: unknown })?.cause) === '23505'
}

export async function deleteLink(deps: Deps, caller: Caller, idOrSlug: string) {
  const row = await findOwnLink(deps, caller, idOrSlug)
  await removeLinks(deps, [row])
  return { success: true as const, data: null, message: 'Link deleted successfully' }
}

/** Deletes rows (already known to be the caller's) with their events; the short URLs 404 at once. */
export async function removeLinks(deps: Deps, rows: LinkRow[]) {
  if (rows.length === 0) return
  const deletedAt = deps.now().toISOString()
  await deps.db.transaction(async (tx) => {
    for (const row of rows) await tx.delete(links).where(eq(links.id, row.id))
    await recordEvents(tx, rows.map((row) => linkEvent(deps, 'link.deleted', row, { deletedAt })))
    await recordAnalyticsDeletions(deps, tx, rows.map((row) => row.id))
  })
  await Promise.all(rows.map((row) => deps.linkCache.forget(row.domain, row.slug)))
  // At once when ClickHouse answers; otherwise the recorded rows are retried by the scheduler.
  if (deps.analytics) await runAnalyticsDeletions(deps, rows.map((r) => r.id)).catch((e) =>
    deps.log.warn('could not delete analytics of deleted links; will retry', { error: String(e) }))
}
