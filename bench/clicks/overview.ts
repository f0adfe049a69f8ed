// The overview query over N generated clicks for one owner (default 10 million, 1000 links, 90
// days), read from the daily rollup. Generation runs inside the engine (INSERT … SELECT), so
// the rollup view fills exactly as it does for real inserts. Prints each range's timings.
//   bun bench/clicks/overview.ts [clicks=10000000]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openChdb, rows } from '../../src/clicks/client'
import { migrateClickHouse } from '../../src/clicks/migrate'
import { ownerFigures } from '../../src/analytics/queries'

const total = Number(process.argv[2] ?? 10_000_000)
const dir = mkdtempSync(join(tmpdir(), 'kurz-bench-overview-'))
const ch = await openChdb(join(dir, 'clickhouse'))
await migrateClickHouse(ch, { database: 'default', ttlDays: null })

let t = performance.now()
const CHUNK = 2_000_000
for (let off = 0; off < total; off += CHUNK) {
  await ch.client.command({
    query: `INSERT INTO clicks SELECT generateUUIDv4(), now64(3) - toIntervalSecond(number % (90 * 86400)),
      'usr_bench', concat('lnk_', toString(number % 1000)), '',
      ['US','DE','GB','FR','IN','BR','JP','CA','NL','ES','IT','PL'][number % 12 + 1], '',
      ['desktop','mobile','tablet'][number % 3 + 1], ['Chrome','Safari','Firefox','Edge','Mobile Safari'][number % 5 + 1],
      ['Windows','iOS','Android','Mac OS','Linux'][number % 5 + 1],
      ['', 'google.com', 't.co', 'news.ycombinator.com', 'reddit.com', 'linkedin.com'][number % 6 + 1], '', '', '',
      number % 20 = 0, '', cityHash64(number % 3000000)
      FROM numbers(${off}, ${Math.min(CHUNK, total - off)})`,
    // chDB keeps SET values for the session: clear the token the migrations' insert left behind.
    clickhouse_settings: { insert_deduplication_token: '' },
  })
}
const genMs = performance.now() - t
const [{ n }] = await rows<{ n: string }>(ch, 'SELECT count() AS n FROM clicks')
const [{ r }] = await rows<{ r: string }>(ch, 'SELECT count() AS r FROM clicks_daily')

async function timed(range: string, days: number) {
  const to = new Date().toISOString().slice(0, 10)
  const from = new Date(Date.now() - (days - 1) * 86_400_000).toISOString().slice(0, 10)
  const runs: number[] = []
  let clicks = 0
  for (let i = 0; i < 7; i++) {
    const s = performance.now()
    clicks = (await ownerFigures(ch, 'usr_bench', { from, to, bots: false, tz: null })).total
    runs.push(performance.now() - s)
  }
  runs.sort((a, b) => a - b)
  return { range, clicks, medianMs: Math.round(runs[3]), minMs: Math.round(runs[0]), maxMs: Math.round(runs[6]) }
}
const before = [await timed('7d', 7), await timed('90d', 90), await timed('all', 3660)]
console.log(JSON.stringify({ bench: 'overview over the rollup', clicks: Number(n), rollupRows: Number(r), generateMs: Math.round(genMs), timings: before }))
await ch.client.command({ query: 'OPTIMIZE TABLE clicks_daily FINAL' })
const [{ r2 }] = await rows<{ r2: string }>(ch, 'SELECT count() AS r2 FROM clicks_daily')
for (const q of ["SELECT toString(day) AS d, sum(clicks) AS c, uniqCombinedMerge(14)(visitors) AS u FROM clicks_daily WHERE dim = 'all' AND owner_id = 'usr_bench' AND is_bot = 0 GROUP BY day",
  "SELECT link_id, sum(clicks) AS c FROM clicks_daily WHERE dim = 'link' AND owner_id = 'usr_bench' AND is_bot = 0 GROUP BY link_id ORDER BY c DESC LIMIT 10",
  "SELECT dim, value, sum(clicks) AS c FROM clicks_daily WHERE dim IN ('country','city','device','browser','referrer') AND owner_id = 'usr_bench' AND is_bot = 0 GROUP BY dim, value ORDER BY c DESC LIMIT 10 BY dim"]) {
  const s = performance.now()
  await rows(ch, q)
  console.log(JSON.stringify({ query: q.slice(0, 60), ms: Math.round(performance.now() - s) }))
}
console.log(JSON.stringify({ bench: 'overview after OPTIMIZE FINAL of the rollup', rollupRows: Number(r2), timings: [await timed('90d', 90)] }))
await ch.close()
rmSync(dir, { recursive: true, force: true })
