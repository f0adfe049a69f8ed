// (domain, slug) → LinkEntry: the LRU first, then Redis, then Postgres; both caches filled on the way back.
import { and, eq, sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { links } from '../db/schema'
import type { LinkCache } from './cache'
import { MISS, type Cached, cacheKey, toLinkEntry } from './link-entry'

/** `cacheMiss` false: an unknown slug is not remembered (its domain's previous provider may know it). */
export async function resolveSlow(db: Db, cache: LinkCache, domain: string, slug: string, cacheMiss = true): Promise<Cached> {
  const key = cacheKey(domain, slug)
  const startedAt = cache.startFill()
  const shared = await cache.getShared(key)
  if (shared !== undefined) {
    cache.fillLocal(key, shared, startedAt)
    return shared
  }
  const rows = await lookupFor(db).execute({ domain, slug })
  const value: Cached = rows[0] ? toLinkEntry(rows[0]) : MISS
  if (value === MISS && !cacheMiss) return value
  cache.fillLocal(key, value, startedAt)
  cache.fillShared(key, value)
  return value
}

// Built once per database: drizzle's builder costs ~300 µs of CPU per query (bench/README.md),
// several times the look-up itself, and every LRU miss would pay it.
const lookups = new WeakMap<Db, ReturnType<typeof prepareLookup>>()
const lookupFor = (db: Db) => lookups.get(db) ?? lookups.set(db, prepareLookup(db)).get(db)!

function prepareLookup(db: Db) {
  return db
    .select({
      id: links.id, userId: links.userId, originalUrl: links.originalUrl, status: links.status,
      expiresAt: links.expiresAt, singleUse: links.singleUse, kind: links.kind,
      rules: links.rules, abTest: links.abTest, utm: links.utm,
      passwordHash: links.passwordHash, maxClicks: links.maxClicks, expiredUrl: links.expiredUrl, og: links.og,
    })
    .from(links)
    .where(and(eq(links.domain, sql.placeholder('domain')), eq(links.slug, sql.placeholder('slug'))))
    .limit(1)
    .prepare('kurz_resolve_link')
}
