// What the enrichment worker spends on one click, by step, in this thread: reading it from a ring
// slice, enriching it (user agent, place, referrer, UTM values, visitor hash, event id), and
// making the batch (TabSeparated bytes, per-link counts). Slices of 1,000 clicks, as the sink
// hands them over while clicks arrive; the first rounds warm the code up and are not counted.
//   bun bench/clicks/enrich-cost.ts [rounds=20]
import { Enricher } from '../../src/clicks/enrich'
import { ClickRing } from '../../src/clicks/ring'
import { batchOf } from '../../src/clicks/batch'
import { rawClicks } from './gen'

const rounds = Number(process.argv[2] ?? 20)
const WARM_ROUNDS = 5
const SLICE = 1000
const enricher = new Enricher('bench', null)
const clicks = rawClicks(30 * SLICE, 'usr_bench', Array.from({ length: 10_000 }, (_, i) => `lnk_${i}`))
const ring = new ClickRing()
const ms = { read: 0, enrich: 0, batch: 0 }
let counted = 0
for (let round = 0; round < rounds; round++) {
  for (let k = 0; k < clicks.length; k += SLICE) {
    for (let i = k; i < k + SLICE; i++) ring.push(clicks[i])
    const slice = ring.take(SLICE)!
    const t0 = performance.now()
    const raw = ring.decode(slice)
    const t1 = performance.now()
    const rows = enricher.enrichRows(raw)
    const t2 = performance.now()
    batchOf(rows)
    const t3 = performance.now()
    ring.release(slice)
    if (round < WARM_ROUNDS) continue
    ms.read += t1 - t0
    ms.enrich += t2 - t1
    ms.batch += t3 - t2
    counted += SLICE
  }
}
const us = (x: number) => Number(((x * 1000) / counted).toFixed(2))
console.log(JSON.stringify({
  bench: 'enrichment, µs a click', clicks: counted,
  read: us(ms.read), enrich: us(ms.enrich), batch: us(ms.batch), total: us(ms.read + ms.enrich + ms.batch),
}))
