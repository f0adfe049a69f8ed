// Tags of an account: create, list, rename or recolour, delete. A link holds its tags' ids
// (links.tag_ids); deleting a tag takes its id off every link of the account in the same transaction.
import { and, arrayContains, arrayOverlaps, asc, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { Deps } from '../deps'
import type { Caller } from '../auth/caller'
import { links, tags, type TagRow } from '../db/schema'
import { AppError } from '../errors'
import { newId } from '../shared/ids'
import { MAX_TAGS_PER_ACCOUNT, MAX_TAGS_PER_LINK } from './model'

const DEFAULT_COLOR = '#6b7280'

const present = (row: TagRow, linkCount: number) => ({
  id: row.id, name: row.name, color: row.color.toLowerCase(), links: linkCount, createdAt: row.createdAt.toISOString(),
})

async function linkCount(deps: Deps, userId: string, tagId: string): Promise<number> {
  const [r] = await deps.db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(links)
    .where(and(eq(links.userId, userId), arrayContains(links.tagIds, [tagId])))
  return r?.n ?? 0
}

const taken = (name: string) => new AppError('CONFLICT', `A tag named "${name}" already exists`, { field: 'name' })

export async function createTag(deps: Deps, caller: Caller, input: { name: string; color?: string }) {
  const name = input.name.trim()
  if (!name) throw new AppError('VALIDATION_ERROR', 'name must not be blank', { field: 'name' })
  const [{ n }] = await deps.db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(tags).where(eq(tags.userId, caller.userId))
  if (n >= MAX_TAGS_PER_ACCOUNT) throw new AppError('VALIDATION_ERROR', `An account has at most ${MAX_TAGS_PER_ACCOUNT} tags`, { field: 'name' })
  const [row] = await deps.db.insert(tags).values({
    id: newId('tag'), userId: caller.userId, name, color: (input.color ?? DEFAULT_COLOR).toLowerCase(), createdAt: deps.now(),
  }).onConflictDoNothing().returning()
  if (!row) throw taken(name)
  return { success: true as const, data: present(row, 0) }
}

export async function listTags(deps: Deps, caller: Caller) {
  const rows = await deps.db.select().from(tags).where(eq(tags.userId, caller.userId)).orderBy(asc(tags.name))
  const counts = rows.length === 0 ? [] : await deps.db.execute<{ id: string; n: number }>(sql`
    select t.id, count(*)::int as n from ${links} l cross join lateral unnest(l.tag_ids) as t(id)
    where l.user_id = ${caller.userId} group by t.id`)
  const list = (Array.isArray(counts) ? counts : (counts as { rows: unknown[] }).rows) as { id: string; n: number }[]
  const byId = new Map(list.map((r) => [r.id, Number(r.n)]))
  return { success: true as const, data: rows.map((r) => present(r, byId.get(r.id) ?? 0)) }
}

async function ownTag(deps: Deps, userId: string, id: string): Promise<TagRow> {
  const [row] = await deps.db.select().from(tags).where(and(eq(tags.id, id), eq(tags.userId, userId)))
  if (!row) throw new AppError('NOT_FOUND', 'Tag not found', { id })
  return row
}

export async function getTag(deps: Deps, caller: Caller, id: string) {
  const row = await ownTag(deps, caller.userId, id)
  return { success: true as const, data: present(row, await linkCount(deps, caller.userId, id)) }
}

export async function updateTag(deps: Deps, caller: Caller, id: string, input: { name?: string; color?: string }) {
  const current = await ownTag(deps, caller.userId, id)
  const name = input.name?.trim()
  if (input.name !== undefined && !name) throw new AppError('VALIDATION_ERROR', 'name must not be blank', { field: 'name' })
  if (name && name !== current.name) {
    const [other] = await deps.db.select({ id: tags.id }).from(tags).where(and(eq(tags.userId, caller.userId), eq(tags.name, name)))
    if (other) throw taken(name)
  }
  const [row] = await deps.db.update(tags).set({ name: name ?? current.name, color: input.color?.toLowerCase() ?? current.color })
    .where(eq(tags.id, current.id)).returning()
  return { success: true as const, data: present(row!, await linkCount(deps, caller.userId, id)) }
}

export async function deleteTag(deps: Deps, caller: Caller, id: string) {
  const row = await ownTag(deps, caller.userId, id)
  await deps.db.transaction(async (tx) => {
    await tx.update(links).set({ tagIds: sql`array_remove(${links.tagIds}, ${row.id})` })
      .where(and(eq(links.userId, caller.userId), arrayContains(links.tagIds, [row.id])))
    await tx.delete(tags).where(eq(tags.id, row.id))
  })
  return { success: true as const, data: null, message: 'Tag deleted' }
}

/** The ids given, each one of the account's tags, without repeats; an unknown id is a 400 naming it. */
export async function checkOwnTagIds(deps: Deps, userId: string, ids: string[]): Promise<string[]> {
  const unique = [...new Set(ids)]
  if (unique.length === 0) return []
  const found = await deps.db.select({ id: tags.id }).from(tags).where(and(eq(tags.userId, userId), inArray(tags.id, unique)))
  const known = new Set(found.map((r) => r.id))
  const missing = unique.find((id) => !known.has(id))
  if (missing) throw new AppError('VALIDATION_ERROR', `${missing} is not one of your tags`, { field: 'tagIds' })
  return unique
}

/** The list's tag filter: comma-separated ids, any (default) or all of them. */
export function tagFilter(tagsParam: string | undefined, mode: 'any' | 'all' | undefined): SQL | undefined {
  const ids = parseTagIds(tagsParam)
  if (ids.length === 0) return undefined
  return mode === 'all' ? arrayContains(links.tagIds, ids) : arrayOverlaps(links.tagIds, ids)
}

export function parseTagIds(param: string | undefined): string[] {
  return [...new Set((param ?? '').split(',').map((s) => s.trim()).filter(Boolean))].slice(0, 50)
}

/**
 * The ids of the account's tags with these names (trimmed, cut to 50 characters, the first
 * MAX_TAGS_PER_LINK distinct ones), creating the missing ones in the default colour. Past the
 * account's tag limit it is a 400 naming `tags`, and nothing is created.
 */
export async function findOrCreateTags(deps: Deps, userId: string, names: string[]): Promise<string[]> {
  const wanted = [...new Set(names.map((n) => n.trim().slice(0, 50).trim()).filter(Boolean))].slice(0, MAX_TAGS_PER_LINK)
  if (wanted.length === 0) return []
  const find = () => deps.db.select({ id: tags.id, name: tags.name }).from(tags).where(and(eq(tags.userId, userId), inArray(tags.name, wanted)))
  let found = await find()
  const missing = wanted.filter((n) => !found.some((r) => r.name === n))
  if (missing.length > 0) {
    const [{ n }] = await deps.db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(tags).where(eq(tags.userId, userId))
    if (n + missing.length > MAX_TAGS_PER_ACCOUNT) throw new AppError('VALIDATION_ERROR', `An account has at most ${MAX_TAGS_PER_ACCOUNT} tags`, { field: 'tags' })
    // (another request may create the same name meanwhile: the unique (user, name) keeps one, found below)
    await deps.db.insert(tags).values(missing.map((name) => ({ id: newId('tag'), userId, name, color: DEFAULT_COLOR, createdAt: deps.now() })))
      .onConflictDoNothing()
    found = await find()
  }
  const byName = new Map(found.map((r) => [r.name, r.id]))
  return wanted.flatMap((n) => byName.get(n) ?? [])
}
