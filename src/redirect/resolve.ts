// (domain, slug) → LinkEntry: the LRU first, then Redis, then Postgres; both caches filled on the way back.
import { and, eq } from 'drizzle-orm'
import type { Db } from '../db/client'
import { links } from '../db/schema'
import { MISS, type Cached, type LinkCache, cacheKey, toLinkEntry } from './cache'

export async function resolveSlow(db: Db, cache: LinkCache, domain: string, slug: string): Promise<Cached> {
  const key = cacheKey(domain, slug)
  const startedAt = cache.startFill()
  const shared = await cache.getShared(key)
  if (shared !== undefined) {
    cache.fillLocal(key, shared, startedAt)
    return shared
  }
  const rows = await db
    .select({
      id: links.id, userId: links.userId, originalUrl: links.originalUrl, status: links.status,
      expiresAt: links.expiresAt, singleUse: links.singleUse, kind: links.kind,
    })
    .from(links)
    .where(and(eq(links.domain, domain), eq(links.slug, slug)))
    .limit(1)
  const value: Cached = rows[0] ? toLinkEntry(rows[0]) : MISS
  cache.fillLocal(key, value, startedAt)
  cache.fillShared(key, value)
  return value
}
