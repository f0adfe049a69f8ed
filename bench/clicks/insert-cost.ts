// What one chDB insert of enriched clicks costs this process in CPU, by batch size: the engine's
// share of recording a click (parsing, the raw table, the rollup view), apart from enrichment.
// Also the CPU the engine spends in the 3 s after (background merges).
//   bun bench/clicks/insert-cost.ts [batch sizes=1000,3000,10000,30000] [--raw-only]
// --raw-only drops the rollup view first: the difference is the view's share.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openChdb } from '../../src/clicks/client'
import { migrateClickHouse } from '../../src/clicks/migrate'
import { insertClicks } from '../../src/clicks/pipeline'
import { Enricher } from '../../src/clicks/enrich'
import { rawClicks } from './gen'

const rawOnly = process.argv.includes('--raw-only')
const sizes = (process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '1000,3000,10000,30000').split(',').map(Number)
const dir = mkdtempSync(join(tmpdir(), 'kurz-bench-insert-'))
const ch = await openChdb(join(dir, 'clickhouse'))
await migrateClickHouse(ch, { database: 'default', ttlDays: null })
if (rawOnly) await ch.client.command({ query: 'DROP VIEW clicks_daily_mv' })
const enricher = new Enricher('bench', null)
const links = Array.from({ length: 1000 }, (_, i) => `lnk_${i}`)
const cpuMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
const results = []
for (const size of sizes) {
  const inserts = Math.max(3, Math.round(60_000 / size))
  const batches = await Promise.all(Array.from({ length: inserts }, (_, k) => enricher.enrichBatch(rawClicks(size, 'usr_bench', links, Date.now() + k * size))))
  const c0 = cpuMs()
  const t0 = performance.now()
  for (let k = 0; k < inserts; k++) await insertClicks(ch, batches[k], `cost-${size}-${k}`)
  const c1 = cpuMs()
  const wall = performance.now() - t0
  await Bun.sleep(3000)
  results.push({
    batch: size, inserts, cpuMsPerInsert: Math.round((c1 - c0) / inserts), cpuUsPerClick: +(((c1 - c0) * 1000) / (inserts * size)).toFixed(1),
    wallMsPerInsert: Math.round(wall / inserts), mergeCpuMsAfter: Math.round(cpuMs() - c1),
  })
}
console.log(JSON.stringify({ bench: `chDB insert cost per batch size (this process, all threads)${rawOnly ? ', raw table only' : ''}`, results }))
await ch.close()
rmSync(dir, { recursive: true, force: true })
