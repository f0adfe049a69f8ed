// Analytics filtered by tag: the caller's links that carry the tag, as ids that go to ClickHouse as
// one parameter array. The list is bounded so the parameter stays far below ClickHouse's URL limit.
import { and, arrayContains, eq } from 'drizzle-orm'
import type { Deps } from '../deps'
import { links, tags } from '../db/schema'
import { AppError } from '../errors'

/** Links one tag filter may cover (10,000 ids are ~300 KB of parameter). */
export const MAX_TAG_LINKS = 10_000

/** The ids of the caller's links with this tag; another account's or an unknown tag is a 404 naming `tag`. */
export async function taggedLinkIds(deps: Deps, userId: string, tagId: string): Promise<string[]> {
  const [own] = await deps.db.select({ id: tags.id }).from(tags).where(and(eq(tags.id, tagId), eq(tags.userId, userId)))
  if (!own) throw new AppError('NOT_FOUND', 'Tag not found', { field: 'tag' })
  const rows = await deps.db.select({ id: links.id }).from(links)
    .where(and(eq(links.userId, userId), arrayContains(links.tagIds, [tagId]))).limit(MAX_TAG_LINKS + 1)
  if (rows.length > MAX_TAG_LINKS) {
    throw new AppError('VALIDATION_ERROR', `Analytics by tag cover tags of at most ${MAX_TAG_LINKS.toLocaleString('en')} links`, { field: 'tag' })
  }
  return rows.map((r) => r.id)
}
