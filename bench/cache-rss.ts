// What 1,000,000 cached links cost: RSS with them in the LinkCache minus RSS with it empty.
// Runs alone in its own process (no server, no other heap), filling the real LinkCache the way
// a Redis read does (JSON.parse of the stored entry), so strings are flat as in production.
import { LinkCache, cacheKey, type LinkEntry } from '../src/redirect/cache'
import { createBus } from '../src/shared/redis'
import { slugOf, targetOf } from './lib/dataset'

const COUNT = Number(process.env.BENCH_CACHED ?? 1_000_000)
// A full GC, then time for the allocator's scavenger to hand freed pages back, as it would
// in a server that has been up for a while.
const settle = async () => {
  Bun.gc(true)
  await Bun.sleep(2000)
  Bun.gc(true)
  await Bun.sleep(1000)
  return process.memoryUsage()
}

const cache = new LinkCache(
  { lruMax: COUNT, lruTtlMs: 3_600_000, negativeTtlMs: 5000, redisTtlSeconds: 86_400, redisPrefix: 'bench:' },
  null, createBus(null, 'bench:'),
)
const before = await settle()
const started = performance.now()
for (let i = 1; i <= COUNT; i++) {
  const entry: LinkEntry = {
    id: `lnk_${String(i).padStart(22, '0')}`, ownerId: 'usr_0123456789abcdefghijkl', target: targetOf(i),
    status: 'ACTIVE', expiresAt: 0, singleUse: false, kind: 'url',
  }
  cache.fillLocal(cacheKey('', slugOf(i)), JSON.parse(JSON.stringify(entry)) as LinkEntry, cache.startFill())
}
const fillMs = performance.now() - started
const after = await settle()
if (cache.lru.size !== COUNT) throw new Error(`cache holds ${cache.lru.size}, expected ${COUNT}`)
console.log(JSON.stringify({
  entries: cache.lru.size,
  rssBytes: after.rss - before.rss,
  heapBytes: after.heapUsed - before.heapUsed,
  rssBeforeBytes: before.rss,
  fillMs: Math.round(fillMs),
}))
