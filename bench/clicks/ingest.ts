// Ingest rate into chDB, end to end through the real sink: push → enrich → one insert per batch
// (+ the per-batch Postgres counters) until every click is stored. Prints clicks/s and the count.
//   bun bench/clicks/ingest.ts [clicks=1000000] [rate per second=0 (as fast as possible)]
// DATABASE_URL for the counters' Postgres, else in-memory PGlite.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { openDatabase } from '../../src/db/client'
import { openChdb, rows } from '../../src/clicks/client'
import { migrateClickHouse } from '../../src/clicks/migrate'
import { insertClicks } from '../../src/clicks/pipeline'
import { DEFAULT_PLANS } from '../../src/plans/table'
import { addClickCounts } from '../../src/clicks/counters'
import { WorkerEnricher } from '../../src/clicks/enricher-client'
import { SpillLog } from '../../src/clicks/spill'
import { ClickHouseSink } from '../../src/clicks/sink'
import { createLogger } from '../../src/shared/log'
import { rawClicks, seedLinks } from './gen'

const total = Number(process.argv[2] ?? 1_000_000)
const rate = Number(process.argv[3] ?? 0)
const dir = mkdtempSync(join(tmpdir(), 'kurz-bench-ingest-'))
const database = await openDatabase({ url: process.env.DATABASE_URL ?? null, dir: null })
const ch = await openChdb(join(dir, 'clickhouse'))
await migrateClickHouse(ch, { database: 'default', ttlDays: null })
const { ownerId, linkIds } = await seedLinks(database.db, 1000)
const log = createLogger('warn')
// Enrichment on its own thread, as in production (src/clicks/pipeline.ts).
const enricher = await WorkerEnricher.open('bench', null)
const sink = new ClickHouseSink({
  insert: (r, token) => insertClicks(ch, r, token), count: (b) => addClickCounts(database.db, DEFAULT_PLANS, b),
  enricher, spill: new SpillLog(join(dir, 'spill'), log), log,
  flushMs: 1000, batchMax: 50_000, bufferMax: 500_000,
})
const clicks = rawClicks(total, ownerId, linkIds)

const t0 = performance.now()
const CHUNK = 5000
for (let i = 0; i < total; i += CHUNK) {
  for (let j = i; j < Math.min(total, i + CHUNK); j++) sink.push(clicks[j])
  // Paced like arriving redirects (rate>0), or just yielding so the flusher can run.
  if (rate > 0) await Bun.sleep(Math.max(0, ((i + CHUNK) / rate) * 1000 - (performance.now() - t0)))
  else await new Promise((r) => setImmediate(r))
}
const pushed = performance.now() - t0
await sink.flush()
const stored = performance.now() - t0
const [{ n }] = await rows<{ n: string }>(ch, 'SELECT count() AS n FROM clicks')
const [{ c }] = await rows<{ c: string }>(ch, "SELECT sum(clicks) AS c FROM clicks_daily WHERE dim = 'link'")
console.log(JSON.stringify({
  bench: 'click ingest into chDB (sink end to end, with Postgres counters)',
  clicks: total, offeredRate: rate || 'max', pushMs: Math.round(pushed), storedMs: Math.round(stored),
  clicksPerSecond: Math.round(total / (stored / 1000)), storedRows: Number(n), rollupClicks: Number(c),
  lost: total - Number(n), spilled: sink.stats.spilled, postgres: database.kind,
}))
await sink.close()
await enricher.close()
await ch.close()
// The seeded owner and links go again (links cascade), so the bench leaves no rows behind.
await database.db.execute(sql`delete from users where id = ${ownerId}`)
await database.close()
rmSync(dir, { recursive: true, force: true })
