// ClickHouse migrations: applied once and recorded, idempotent at the next start, retention from
// CLICKS_TTL_DAYS, and a cluster variant for every migration.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openChdb, rows, type ClickHouse } from '../src/clicks/client'
import { loadMigrations, migrateClickHouse } from '../src/clicks/migrate'

let dir: string
let ch: ClickHouse
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kurz-chmig-'))
  ch = await openChdb(join(dir, 'clickhouse'))
})
afterAll(async () => {
  await ch.close()
  rmSync(dir, { recursive: true, force: true })
})

const ttlOf = async () => (await rows<{ q: string }>(ch, "SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = 'clicks'"))[0].q

test('migrations are applied once and recorded', async () => {
  const first = await migrateClickHouse(ch, { database: 'default', ttlDays: null })
  expect(first).toEqual(['0001_clicks', '0002_clicks_daily', '0003_clicks_daily_hll', '0004_clicks_smart', '0005_clicks_trigger', '0006_clicks_daily_groups'])
  expect(await migrateClickHouse(ch, { database: 'default', ttlDays: null })).toEqual([])
  const recorded = await rows<{ name: string }>(ch, 'SELECT name FROM kurz_migrations ORDER BY name')
  expect(recorded.map((r) => r.name)).toEqual(first)
  const q = await ttlOf()
  expect(q).toContain('PARTITION BY toYYYYMM(ts)')
  expect(q).toContain('ORDER BY (owner_id, link_id, ts)')
  expect(q).toContain('non_replicated_deduplication_window = 10000')
  expect(q).not.toContain(' TTL ')
})

test('the embedded engine merges at least ten parts at a time on the raw table, not on the rollup the overview reads', async () => {
  const query = async (table: string) => (await rows<{ q: string }>(ch,
    'SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = {t:String}', { t: table }))[0].q
  expect(await query('clicks')).toContain('min_parts_to_merge_at_once = 10, merge_selector_base = 10')
  expect(await query('clicks_daily')).not.toContain('min_parts_to_merge_at_once')
})

/** Each click unrolled into its eight dimensions, as the rollup must hold them: clicks and the day's unique visitors. */
const FROM_RAW = `SELECT owner_id, toDate(ts) AS day, is_bot, tupleElement(d, 1) AS dim, tupleElement(d, 2) AS value, tupleElement(d, 3) AS link,
    toInt64(count()) AS c, if(dim = 'all', uniqExact(visitor_hash), 0) AS u
  FROM clicks ARRAY JOIN [('all', '', ''), ('link', '', link_id), ('country', toString(country), ''), ('city', city, ''),
    ('device', toString(device), ''), ('browser', toString(browser), ''), ('os', toString(os), ''), ('referrer', referrer_host, '')] AS d
  WHERE owner_id LIKE 'usr_view_%' GROUP BY owner_id, day, is_bot, dim, value, link`
const FROM_ROLLUP = `SELECT owner_id, day, is_bot, dim, value, link_id AS link, sum(clicks) AS c, if(dim = 'all', uniqCombinedMerge(14)(visitors), 0) AS u
  FROM clicks_daily WHERE owner_id LIKE 'usr_view_%' GROUP BY owner_id, day, is_bot, dim, value, link`

test('the rollup holds, for every owner, day, bot flag and dimension value, the clicks and the unique visitors of the raw events', async () => {
  // Three inserts, each with several owners, days, links and values of every dimension, and clicks
  // that share all of them (the view groups those before it unrolls them).
  for (const seed of [1, 2, 3])
    await ch.client.command({
      query: `INSERT INTO clicks (event_id, ts, owner_id, link_id, country, city, device, browser, os, referrer_host, is_bot, visitor_hash)
        SELECT generateUUIDv4(), toDateTime64('2026-11-01 00:00:00', 3, 'UTC') + toIntervalSecond((number * 7919 + ${seed}) % (86400 * 3)),
          concat('usr_view_', toString((number + ${seed}) % 3)), concat('lnk_', toString((number * 31 + ${seed}) % 7)),
          ['US', 'DE', ''][1 + number % 3], ['', 'Berlin', 'Paris', 'Tokyo'][1 + number * 3 % 4], ['desktop', 'mobile'][1 + number % 2],
          ['Chrome', 'Firefox', 'Safari'][1 + number * 7 % 3], ['Linux', 'iOS'][1 + number * 11 % 2], ['', 'x.com', 't.co'][1 + number * 13 % 3],
          if(number % 17 = 0, 1, 0), (number * 104729 + ${seed}) % 500
        FROM numbers(${3000 + seed * 100})`,
      clickhouse_settings: { insert_deduplication_token: `view-seed-${seed}` },
    })
  const count = async (q: string) => Number((await rows<{ n: string }>(ch, `SELECT count() AS n FROM (${q})`))[0].n)
  expect(await count(FROM_RAW)).toBeGreaterThan(300)
  expect(await count(FROM_ROLLUP)).toBe(await count(FROM_RAW))
  expect(await count(`${FROM_RAW} EXCEPT ${FROM_ROLLUP}`)).toBe(0)
  const [sum] = await rows<{ c: string }>(ch, "SELECT sum(clicks) AS c FROM clicks_daily WHERE owner_id LIKE 'usr_view_%' AND dim = 'link'")
  expect(Number(sum.c)).toBe(3100 + 3200 + 3300)
})

test('CLICKS_TTL_DAYS sets the retention of raw clicks, and unsetting it removes it', async () => {
  await migrateClickHouse(ch, { database: 'default', ttlDays: 30 })
  expect(await ttlOf()).toContain('TTL toDateTime(ts) + toIntervalDay(30)')
  await migrateClickHouse(ch, { database: 'default', ttlDays: 400 })
  expect(await ttlOf()).toContain('toIntervalDay(400)')
  await migrateClickHouse(ch, { database: 'default', ttlDays: null })
  expect(await ttlOf()).not.toContain(' TTL ')
})

test('every migration has a cluster variant: ON CLUSTER, Replicated engines, Distributed tables', () => {
  const plain = loadMigrations(null, 'default')
  const cluster = loadMigrations('kurz', 'analytics')
  expect(cluster.map((m) => m.name)).toEqual(plain.map((m) => m.name))
  // DDL runs on every node; data moves through the Distributed tables instead (INSERT has no ON CLUSTER).
  for (const m of cluster) for (const s of m.statements) {
    if (s.startsWith('INSERT')) expect(s).not.toMatch(/_local\b/)
    else expect(s).toContain('ON CLUSTER `kurz`')
  }
  const all = cluster.flatMap((m) => m.statements).join('\n')
  expect(all).toContain("ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/clicks_local', '{replica}')")
  expect(all).toContain('ReplicatedAggregatingMergeTree')
  expect(all).toContain('ENGINE = Distributed(`kurz`, `analytics`, clicks_local, cityHash64(owner_id))')
})

test('every statement of the cluster variants parses in the real engine', async () => {
  // No cluster runs here (chDB has no Keeper and no TCP server for Distributed tables), so the
  // engine's own parser is the check that the cluster SQL is ClickHouse and not just text.
  for (const m of loadMigrations('kurz', 'analytics'))
    for (const s of m.statements) {
      const parsed = await rows<{ explain: string }>(ch, `EXPLAIN AST ${s}`).catch((e) => { throw new Error(`${m.name}: ${e}\n${s}`) })
      expect(parsed.length).toBeGreaterThan(1)
    }
})

test('0003 refills the rollup from the raw events of the earlier schema', async () => {
  await ch.close()
  ch = await openChdb(join(dir, 'clickhouse-0002'))
  expect(await migrateClickHouse(ch, { database: 'default', ttlDays: null, upTo: '0002_clicks_daily' })).toEqual(['0001_clicks', '0002_clicks_daily'])
  await ch.client.command({
    query: `INSERT INTO clicks (event_id, ts, owner_id, link_id, country, is_bot, visitor_hash)
      SELECT generateUUIDv4(), now64(3) - toIntervalDay(number % 3), 'usr_old', concat('lnk_', toString(number % 4)), 'DE', 0, number % 50
      FROM numbers(1000)`,
    clickhouse_settings: { insert_deduplication_token: 'old-schema-seed' },
  })
  expect(await migrateClickHouse(ch, { database: 'default', ttlDays: null })).toEqual(['0003_clicks_daily_hll', '0004_clicks_smart', '0005_clicks_trigger', '0006_clicks_daily_groups'])
  const sum = async (dim: string) => Number((await rows<{ c: string }>(ch, `SELECT sum(clicks) AS c FROM clicks_daily WHERE owner_id = 'usr_old' AND dim = '${dim}'`))[0].c)
  expect(await sum('all')).toBe(1000)
  expect(await sum('link')).toBe(1000)
  expect(await sum('country')).toBe(1000)
  const [u] = await rows<{ u: string }>(ch, "SELECT uniqCombinedMerge(14)(visitors) AS u FROM clicks_daily WHERE owner_id = 'usr_old' AND dim = 'all'")
  expect(Number(u.u)).toBe(50)
})
