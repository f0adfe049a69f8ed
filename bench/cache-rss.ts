// What 1,000,000 cached links cost: RSS with them in the LinkCache minus RSS with it empty.
// Runs alone in its own process (no server, no other heap). After the fill, the first HOT_MAX
// links are hit twice, so that the hot tier of objects in front of the arena is full too.
import { HOT_MAX } from '../src/redirect/cache'
import { benchKey, emptyLinkCache, fillLinkCache } from './lib/link-cache'

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

const cache = emptyLinkCache(COUNT)
const before = await settle()
const started = performance.now()
fillLinkCache(cache, COUNT)
const fillMs = performance.now() - started
for (let round = 0; round < 2; round++) for (let i = 1; i <= Math.min(HOT_MAX, COUNT); i++) cache.peek(benchKey(i))
const after = await settle()
if (cache.size !== COUNT) throw new Error(`cache holds ${cache.size}, expected ${COUNT}`)
console.log(JSON.stringify({
  entries: cache.size,
  hotEntries: cache.hotSize,
  rssBytes: after.rss - before.rss,
  heapBytes: after.heapUsed - before.heapUsed,
  arenaBytes: cache.arenaBytes,
  rssBeforeBytes: before.rss,
  fillMs: Math.round(fillMs),
}))
