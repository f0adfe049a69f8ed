// Exports at 1,000,000 rows keep memory flat: seeds BENCH_EXPORT_ROWS links (PostgreSQL from
// DATABASE_URL, else PGlite) and as many raw clicks (chDB), downloads both exports through a real
// server while sampling the process's RSS, and prints RSS before, at the peak and after.
//   DATABASE_URL=postgres://… bun bench/export-rss.ts
import { sql } from 'drizzle-orm'
import { createHarness } from '../test/support/harness'
import { createUser } from '../test/support/users'

const ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 1_000_000)
const MB = (n: number) => Math.round(n / 1048576)

const h = await createHarness({ engine: process.env.DATABASE_URL ? 'postgres' : 'pglite', clickhouse: true, env: { DB_STATEMENT_TIMEOUT_MS: '600000' } })
try {
  const owner = await createUser(h, { plan: 'Business' })
  let t = performance.now()
  // (in slices: one statement stays under the database's statement timeout)
  for (let from = 1; from <= ROWS; from += 20_000) {
    await h.deps.db.execute(sql`INSERT INTO links (id, user_id, slug, original_url, title, created_at)
      SELECT 'lnk_b' || g, ${owner.id}, 'b' || g, 'https://example.com/page/' || g || '?utm_source=bench', 'Title, "quoted" ' || g,
             now() - g * interval '1 second' FROM generate_series(${from}::int, ${Math.min(ROWS, from + 19_999)}::int) g`)
  }
  // (as autovacuum would after such a load: the planner then reads the keyset off the index)
  await h.deps.db.execute(sql`ANALYZE links`)
  await h.deps.clickhouse!.client.command({ query: `INSERT INTO clicks (event_id, ts, owner_id, link_id, domain, country, city, device, browser, os,
    referrer_host, utm_source, utm_medium, utm_campaign, is_bot, bot_reason, visitor_hash) SELECT generateUUIDv4(), now64(3) - number / 100, '${owner.id}',
    concat('lnk_b', toString(number % 1000)), '', 'DE', 'Berlin', 'desktop', 'Firefox', 'Linux', 'news.example', 'bench', '', '', 0, '', number
    FROM numbers(${ROWS})` })
  console.log(`seeded ${ROWS} links and ${ROWS} clicks in ${Math.round(performance.now() - t)} ms`)
  const server = await h.listen()

  async function measure(path: string) {
    Bun.gc(true)
    const before = process.memoryUsage.rss()
    let peak = before
    let peakHeap = 0
    let peakExternal = 0
    const timer = setInterval(() => {
      const m = process.memoryUsage()
      peak = Math.max(peak, m.rss)
      peakHeap = Math.max(peakHeap, m.heapTotal)
      peakExternal = Math.max(peakExternal, m.external)
    }, 50)
    t = performance.now()
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${owner.key}` } })
    let bytes = 0
    let lines = 0
    // RSS each tenth of the way: flat memory is a plateau, not a climb with the rows read.
    const tenths: number[] = []
    for await (const chunk of res.body!) {
      bytes += chunk.byteLength
      for (const b of chunk) if (b === 10) lines++
      if (lines >= ((tenths.length + 1) * ROWS) / 10) tenths.push(MB(process.memoryUsage.rss()))
    }
    clearInterval(timer)
    Bun.gc(true)
    const after = process.memoryUsage.rss()
    console.log(JSON.stringify({ path, status: res.status, lines, mb: MB(bytes), seconds: Math.round(performance.now() - t) / 1000,
      rssBeforeMb: MB(before), rssPeakMb: MB(peak), rssAfterMb: MB(after), heapPeakMb: MB(peakHeap), externalPeakMb: MB(peakExternal), rssByTenthMb: tenths }))
  }
  await measure('/api/v1/links/export?format=csv')
  await measure('/api/v1/links/export?format=json')
  await measure('/api/v1/analytics/export?range=all&format=csv')
} finally {
  await h.close()
}
