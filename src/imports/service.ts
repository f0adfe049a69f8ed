// Imports: an uploaded file's rows become links of the account, in the background. The upload is
// parsed at once (a bad file is a 400, never a failed job); the rows are then worked through in
// chunks by whichever instance holds the import's lease, so a restart resumes where it stopped.
// A row is created, skipped (the account already has it: the same slug and destination, or, for
// a row without a slug, the same destination imported before) or failed, with its row number and
// why. Nothing is ever overwritten: a slug taken by another link is a failed row. A row's tag
// names become the account's tags (found by name, else created) on the created link.
import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm'
import type { Deps } from '../deps'
import type { Caller } from '../auth/caller'
import { callerOf } from '../auth/service'
import { domains, imports, links } from '../db/schema'
import { AppError, isUnavailable } from '../errors'
import { newId } from '../shared/ids'
import { paging, pageOf } from '../shared/envelope'
import { createLink } from '../links/service'
import { checkCustomSlug } from '../links/slug'
import { checkDestination, destinationPolicy } from '../links/destination'
import { linksUsed } from '../plans/usage'
import { findOrCreateTags } from '../tags/service'
import { readFile, type Format, type ImportRow } from './formats'
import type { Static } from 'elysia'
import type { ImportQuery, ListImportsQuery, importObject } from './model'

/** Rows worked through between two saves of the progress (and two renewals of the lease). */
const CHUNK = 100
/** An instance that stops renewing its lease for this long has stopped: another takes over. */
const LEASE_MS = 60_000
/** The failed rows kept with their reasons (the counters count them all). */
const MAX_ERRORS = 1000

type ImportRowRecord = typeof imports.$inferSelect
type RowError = { row: number; code: string; reason: string }

export async function startImport(deps: Deps, caller: Caller, text: string, query: ImportQuery) {
  const { format, rows } = readFile(text, query.format ?? 'auto', deps.config.requests.maxJsonDepth)
  const domain = query.domain ? await ownDomain(deps, caller, query.domain) : null
  const now = deps.now()
  const [row] = await deps.db.insert(imports).values({
    id: newId('imp'), userId: caller.userId, format, dryRun: query.dryRun ?? false,
    rows: domain === null ? rows : rows.map((r) => ({ ...r, domain })), total: rows.length,
    createdAt: now, updatedAt: now,
  }).returning()
  kick(deps)
  return present(row)
}

export async function getImport(deps: Deps, caller: Caller, id: string) {
  const [row] = await deps.db.select().from(imports).where(and(eq(imports.id, id), eq(imports.userId, caller.userId)))
  if (!row) throw new AppError('NOT_FOUND', 'Import not found', { id })
  return { success: true as const, data: present(row) }
}

export async function listImports(deps: Deps, caller: Caller, query: ListImportsQuery) {
  const p = paging(query)
  const where = eq(imports.userId, caller.userId)
  const [rows, [{ total }]] = await Promise.all([
    deps.db.select().from(imports).where(where).orderBy(desc(imports.createdAt)).limit(p.size).offset(p.offset),
    deps.db.select({ total: sql<number>`count(*)::int` }).from(imports).where(where),
  ])
  return pageOf(rows.map(present), total, p)
}

function present(row: ImportRowRecord): Static<typeof importObject> {
  return {
    id: row.id, format: row.format as Format, dryRun: row.dryRun, status: row.status,
    total: row.total, done: row.position, created: row.created, skipped: row.skipped, failed: row.failed,
    errors: row.errors as RowError[], error: row.error,
    createdAt: row.createdAt.toISOString(), finishedAt: row.finishedAt?.toISOString() ?? null,
  }
}

async function ownDomain(deps: Deps, caller: Caller, hostname: string): Promise<string> {
  const host = hostname.trim().toLowerCase().replace(/\.$/, '')
  if (host === deps.config.shortHost) return ''
  if (deps.domains.namespaceOf(host) === '' || !(await ownsVerified(deps, caller.userId, host)))
    throw new AppError('VALIDATION_ERROR', `The domain ${host} is not one of your verified domains`, { field: 'domain', in: 'query' })
  return host
}

async function ownsVerified(deps: Deps, userId: string, host: string): Promise<boolean> {
  const [row] = await deps.db.select({ v: domains.isVerified }).from(domains).where(and(eq(domains.hostname, host), eq(domains.userId, userId)))
  return row?.v === true
}

// ---- the background work ----

const running = new WeakMap<Deps, Promise<void>>()

/** Works through every import waiting for an instance, unless this one is at it already. */
export function kick(deps: Deps): Promise<void> {
  const under = running.get(deps)
  if (under) return under
  const run = (async () => {
    try {
      let held: string | undefined
      for (;;) {
        const worked = await runNextChunk(deps, held)
        if (!worked) break
        held = worked.finished ? undefined : worked.id
      }
    } catch (e) {
      deps.log.warn('import run failed; another try follows', { error: String(e) })
    } finally {
      running.delete(deps)
    }
  })()
  running.set(deps, run)
  return run
}

/**
 * Claims one import (the one this instance holds, else a queued one, else one running under a
 * lapsed lease) with SKIP LOCKED, works one chunk of its rows and saves the progress with a
 * renewed lease. Null when nothing was waiting.
 */
export async function runNextChunk(deps: Deps, held?: string): Promise<{ id: string; finished: boolean } | null> {
  const now = deps.now()
  const [job] = await deps.db.update(imports)
    .set({ status: 'RUNNING', leaseUntil: new Date(now.getTime() + LEASE_MS), updatedAt: now })
    .where(eq(imports.id, sql`(select id from ${imports} where ${or(held ? and(eq(imports.id, held), eq(imports.status, 'RUNNING')) : undefined, eq(imports.status, 'QUEUED'),
      and(eq(imports.status, 'RUNNING'), or(isNull(imports.leaseUntil), lt(imports.leaseUntil, now))))} order by ${held ? sql`${imports.id} = ${held} desc, ` : sql``}${imports.createdAt} limit 1 for update skip locked)`))
    .returning({
      id: imports.id, userId: imports.userId, dryRun: imports.dryRun, total: imports.total, position: imports.position,
      created: imports.created, errorCount: sql<number>`jsonb_array_length(${imports.errors})`,
      // Only this chunk's rows: a large file is not read whole for every chunk.
      rows: sql<ImportRow[]>`jsonb_path_query_array(${imports.rows}, ('$[' || ${imports.position} || ' to ' || (${imports.position} + ${CHUNK - 1}) || ']')::jsonpath)`,
    })
  if (!job) return null
  let caller: Caller
  try {
    caller = callerOf(deps, await deps.callers.user(job.userId), null)
  } catch (e) {
    await fail(deps, job.id, e instanceof AppError ? e.message : 'The account could not be read')
    return { id: job.id, finished: true }
  }
  const rows = job.rows
  const outcome = { created: 0, skipped: 0, failed: [] as RowError[] }
  // A dry run takes no quota: it counts what it would create (its `created` so far included).
  const quota = job.dryRun
    ? { remaining: caller.plan.linkLimit - (await linksUsed(deps.db, caller.userId, now)) - job.created }
    : null
  for (const row of rows) {
    const result = await importRow(deps, caller, row, job.dryRun, quota)
    if (result === 'created') outcome.created++
    else if (result === 'skipped') outcome.skipped++
    else outcome.failed.push({ row: row.row, ...result })
  }
  const position = job.position + rows.length
  const kept = Math.max(0, MAX_ERRORS - job.errorCount)
  await deps.db.update(imports).set({
    position,
    created: sql`${imports.created} + ${outcome.created}`,
    skipped: sql`${imports.skipped} + ${outcome.skipped}`,
    failed: sql`${imports.failed} + ${outcome.failed.length}`,
    errors: sql`${imports.errors} || ${JSON.stringify(outcome.failed.slice(0, kept))}::jsonb`,
    leaseUntil: position >= job.total ? null : new Date(deps.now().getTime() + LEASE_MS),
    status: position >= job.total ? 'DONE' : 'RUNNING',
    finishedAt: position >= job.total ? deps.now() : null,
    updatedAt: deps.now(),
  }).where(eq(imports.id, job.id))
  return { id: job.id, finished: position >= job.total }
}

async function fail(deps: Deps, id: string, error: string) {
  await deps.db.update(imports).set({ status: 'FAILED', error, leaseUntil: null, finishedAt: deps.now(), updatedAt: deps.now() }).where(eq(imports.id, id))
}

type RowResult = 'created' | 'skipped' | { code: string; reason: string }

async function importRow(deps: Deps, caller: Caller, row: ImportRow, dryRun: boolean, quota: { remaining: number } | null): Promise<RowResult> {
  try {
    const kind = row.kind ?? 'url'
    if (kind === 'url' && !row.url) return { code: 'VALIDATION_ERROR', reason: 'The row has no destination URL' }
    const domain = await rowDomain(deps, caller, row.domain)
    const existing = await existingLink(deps, caller, row, domain)
    if (existing === 'same') return 'skipped'
    if (existing === 'taken') return { code: 'SLUG_ALREADY_EXISTS', reason: `The slug "${row.slug}" is already taken` }
    const expiresIn = expiresInOf(row.expiresAt, deps.now())
    if (expiresIn === 'past') return { code: 'LINK_EXPIRED', reason: `The link expired at ${row.expiresAt}` }
    if (dryRun) {
      if (kind === 'url') checkDestination(row.url!, destinationPolicy(deps))
      if (row.slug) checkCustomSlug(row.slug)
      if (quota) {
        if (quota.remaining <= 0) return { code: 'PLAN_LIMIT_EXCEEDED', reason: `The ${caller.plan.name} plan allows ${caller.plan.linkLimit} links a month` }
        quota.remaining--
      }
      return 'created'
    }
    await createLink(deps, caller, {
      originalUrl: row.url ?? undefined, slug: row.slug, title: row.title?.slice(0, 200) ?? null, domain: domain || null,
      ...(expiresIn ? { expiresIn } : {}), ...(kind !== 'url' ? { kind, payload: row.payload ?? null } : {}),
      ...(row.singleUse ? { singleUse: true } : {}),
      ...(row.tags.length > 0 ? { tagIds: await findOrCreateTags(deps, caller.userId, row.tags) } : {}),
    }, 'IMPORT')
    return 'created'
  } catch (e) {
    if (e instanceof AppError && e.status < 500) {
      const field = typeof e.details?.field === 'string' ? `${e.details.field}: ` : ''
      return { code: e.code, reason: `${field}${e.message}` }
    }
    // A store that does not answer: the chunk is tried again later, from its first row.
    if (isUnavailable(e) || (e instanceof AppError && e.code === 'SERVICE_UNAVAILABLE')) throw e
    // Anything else is this row's own fault (a bug); it must not hold the rest of the file up.
    deps.log.error('an import row failed unexpectedly', { row: row.row, error: String(e) })
    return { code: 'INTERNAL', reason: 'This row could not be imported' }
  }
}

/** The row's own domain when it is one of the account's verified domains; else the default one. */
async function rowDomain(deps: Deps, caller: Caller, host: string | null): Promise<string> {
  if (!host || host === deps.config.shortHost) return ''
  return deps.domains.namespaceOf(host) !== '' && await ownsVerified(deps, caller.userId, host) ? host : ''
}

async function existingLink(deps: Deps, caller: Caller, row: ImportRow, domain: string): Promise<'same' | 'taken' | null> {
  if (row.slug) {
    const [hit] = await deps.db.select({ userId: links.userId, originalUrl: links.originalUrl }).from(links)
      .where(and(eq(links.domain, domain), eq(links.slug, row.slug)))
    if (!hit) return null
    return hit.userId === caller.userId && hit.originalUrl === normalisedUrl(deps, row.url) ? 'same' : 'taken'
  }
  if (!row.url) return null
  const [hit] = await deps.db.select({ id: links.id }).from(links).where(and(eq(links.userId, caller.userId),
    eq(links.source, 'IMPORT'), inArray(links.originalUrl, [row.url, normalisedUrl(deps, row.url) ?? row.url]))).limit(1)
  return hit ? 'same' : null
}

/** The destination as a link stores it (the same check createLink makes), or null when refused. */
function normalisedUrl(deps: Deps, url: string | null): string | null {
  if (!url) return null
  try { return checkDestination(url, destinationPolicy(deps)) } catch { return null }
}

/** A future instant as minutes from now (the plan may clamp it); 'past' for an expired link. */
function expiresInOf(expiresAt: string | null, now: Date): string | null | 'past' {
  if (!expiresAt) return null
  const at = Date.parse(expiresAt)
  if (Number.isNaN(at)) return null
  const minutes = Math.ceil((at - now.getTime()) / 60_000)
  return minutes <= 0 ? 'past' : `${Math.min(minutes, 999_999)}m`
}
