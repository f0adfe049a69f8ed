// A LinkCache of its own (no Redis, an in-process bus) filled with the bench data set the way a
// Redis read fills it (JSON.parse of the stored entry, so strings are flat as in production).
import { LinkCache } from '../../src/redirect/cache'
import { cacheKey, type LinkEntry } from '../../src/redirect/link-entry'
import { createBus } from '../../src/shared/redis'
import { slugOf, targetOf } from './dataset'

export const emptyLinkCache = (count: number) => new LinkCache(
  { lruMax: count, lruTtlMs: 3_600_000, negativeTtlMs: 5000, redisTtlSeconds: 86_400, redisPrefix: 'bench:' },
  null, createBus(null, 'bench:'),
)

/** The key of bench link `i` (1-based). */
export const benchKey = (i: number) => cacheKey('', slugOf(i))

/** Fills links 1..count. */
export function fillLinkCache(cache: LinkCache, count: number) {
  for (let i = 1; i <= count; i++) {
    const entry: LinkEntry = {
      id: `lnk_${String(i).padStart(22, '0')}`, ownerId: 'usr_0123456789abcdefghijkl', target: targetOf(i),
      status: 'ACTIVE', expiresAt: 0, singleUse: false, kind: 'url', smart: null,
    }
    cache.fillLocal(benchKey(i), JSON.parse(JSON.stringify(entry)) as LinkEntry, cache.startFill())
  }
}
