// Does the click plane hold up the thread that serves redirects? Pushes clicks at a steady rate
// (as redirects would, in 1 ms ticks) through the real sink (enrichment worker, chDB, one insert
// per flush, at the default pace) and measures how late a 1 ms timer fires on that thread: its
// lateness, the time from when it was due to when it ran (what a timer's gap is beyond its 1 ms).
// Then the same with a sink that discards, and first the timer alone, with nothing pushed: what
// the machine and the runtime add by themselves (on a VM, a timer of an idle thread can come
// several milliseconds late however little else runs). The differences are what pushing and
// flushing cost the redirect thread.
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
// (as in the service: the worker writes each batch's file for the engine to read)
const enricher = await WorkerEnricher.open('bench', null, ch.stageDir)
const clicks = rawClicks(rate * seconds, 'usr_bench', Array.from({ length: 1000 }, (_, i) => `lnk_${i}`))

/** Lateness (ms) of a 1 ms timer on this thread over `seconds`, while `sink` (if any) is pushed clicks at `rate`. */
async function run(sink: ClickSink | null) {
  const late: number[] = []
  let due = performance.now() + 1
  let probe = setTimeout(function fire() {
    const now = performance.now()
    late.push(Math.max(0, now - due))
    due = now + 1
    probe = setTimeout(fire, 1)
  }, 1)
  const t0 = performance.now()
  let i = 0
  await new Promise<void>((done) => {
    const tick = setInterval(() => {
      const elapsed = performance.now() - t0
      const pushed = Math.min(clicks.length, Math.round((elapsed / 1000) * rate))
      if (sink) while (i < pushed) sink.push(clicks[i++])
      if (elapsed >= seconds * 1000) {
        clearInterval(tick)
        done()
      }
    }, 1)
  })
  clearTimeout(probe)
  await sink?.flush()
  late.sort((a, b) => a - b)
  const q = (p: number) => +late[Math.min(late.length - 1, Math.floor(p * late.length))].toFixed(2)
  return { p50: q(0.5), p99: q(0.99), p999: q(0.999), max: +late.at(-1)!.toFixed(2), samples: late.length }
}

const real = new ClickHouseSink({
  insert: (b, t) => insertClicks(ch, b, t), count: async () => {}, enricher,
  spill: new SpillLog(join(dir, 'spill'), log), log, flushMs: 3000, batchMax: 50_000, bufferMax: 500_000, // (the defaults)
})
const bare = await run(null)
const discarding = await run(new DiscardingSink())
const recording = await run(real)
console.log(JSON.stringify({ bench: 'event-loop lateness (ms) of a 1 ms timer while clicks are pushed', rate, seconds, inserted: real.stats.inserted, bare, discarding, recording }))
await real.close()
await enricher.close()
await ch.close()
rmSync(dir, { recursive: true, force: true })
