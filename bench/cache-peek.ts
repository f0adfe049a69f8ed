// What one LinkCache hit costs: 10M `peek` calls on 1,000 hot keys, then 10M spread over all
// 1,000,000 cached links (mostly the arena's decode path). Runs alone in its own process.
import { benchKey, emptyLinkCache, fillLinkCache } from './lib/link-cache'

const COUNT = Number(process.env.BENCH_CACHED ?? 1_000_000)
const CALLS = Number(process.env.BENCH_PEEKS ?? 10_000_000)
const HOT = 1000
// A stride coprime with COUNT walks every key in a scattered order.
const STRIDE = 7_919 * 127

const cache = emptyLinkCache(COUNT)
fillLinkCache(cache, COUNT)
// The key strings a request would build: fresh ones, not those the fill used.
const keys = Array.from({ length: COUNT }, (_, i) => benchKey(i + 1))

function nsPerPeek(pick: (i: number) => string): number {
  let found = 0
  const started = performance.now()
  for (let i = 0; i < CALLS; i++) if (cache.peek(pick(i)) !== undefined) found++
  const ns = ((performance.now() - started) * 1e6) / CALLS
  if (found !== CALLS) throw new Error(`${CALLS - found} peeks missed`)
  return Math.round(ns)
}

console.log(JSON.stringify({
  entries: COUNT,
  calls: CALLS,
  hotNsPerPeek: nsPerPeek((i) => keys[i % HOT]!),
  spreadNsPerPeek: nsPerPeek((i) => keys[(i * STRIDE) % COUNT]!),
}))
