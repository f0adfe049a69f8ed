// Does the click plane hold up the thread that serves redirects? Pushes clicks at a steady rate
// (as redirects would, in 1 ms ticks) through the real sink (enrichment worker, chDB, one insert
// per flush, at the default pace) and measures how late a 1 ms timer fires on that thread; then the same with a sink
// that discards. The difference is what flushing costs the redirect thread's latency.
//   bun bench/clicks/loop-gaps.ts [rate=10000] [seconds=6]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openChdb } from '../../src/clicks/client'
import { migrateClickHouse } from '../../src/clicks/migrate'
import { insertClicks } from '../../src/clicks/pipeline'
import { WorkerEnricher } from '../../src/clicks/enricher-client'
import { SpillLog } from '../../src/clicks/spill'
import { ClickHouseSink, DiscardingSink, type ClickSink } from '../../src/clicks/sink'
import { createLogger } from '../../src/shared/log'
import { rawClicks } from './gen'
import { preferWakeups } from '../../src/shared/thread-priority'

// This thread plays the redirect thread, and asks for its short slice as src/main.ts does.
await preferWakeups()
const rate = Number(process.argv[2] ?? 10_000)
const seconds = Number(process.argv[3] ?? 6)
const dir = mkdtempSync(join(tmpdir(), 'kurz-bench-gaps-'))
const ch = await openChdb(join(dir, 'clickhouse'))
await migrateClickHouse(ch, { database: 'default', ttlDays: null })
const log = createLogger('warn')
const enricher = await WorkerEnricher.open('bench', null)
const clicks = rawClicks(rate * seconds, 'usr_bench', Array.from({ length: 1000 }, (_, i) => `lnk_${i}`))

async function run(sink: ClickSink) {
  const gaps: number[] = []
  let last = performance.now()
  const probe = setInterval(() => {
    const now = performance.now()
    gaps.push(now - last)
    last = now
  }, 1)
  const t0 = performance.now()
  let i = 0
  await new Promise<void>((done) => {
    const tick = setInterval(() => {
      const due = Math.min(clicks.length, Math.round(((performance.now() - t0) / 1000) * rate))
      while (i < due) sink.push(clicks[i++])
      if (i >= clicks.length) {
        clearInterval(tick)
        done()
      }
    }, 1)
  })
  clearInterval(probe)
  await sink.flush()
  gaps.sort((a, b) => a - b)
  const q = (p: number) => +gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))].toFixed(2)
  return { p50: q(0.5), p99: q(0.99), p999: q(0.999), max: +gaps.at(-1)!.toFixed(2) }
}

const real = new ClickHouseSink({
  insert: (b, t) => insertClicks(ch, b, t), count: async () => {}, enricher,
  spill: new SpillLog(join(dir, 'spill'), log), log, flushMs: 3000, batchMax: 50_000, bufferMax: 500_000, // (the defaults)
})
const discarding = await run(new DiscardingSink())
const recording = await run(real)
console.log(JSON.stringify({ bench: 'event-loop gaps (ms) of a 1 ms timer while clicks are pushed', rate, seconds, inserted: real.stats.inserted, discarding, recording }))
await real.close()
await enricher.close()
await ch.close()
rmSync(dir, { recursive: true, force: true })
