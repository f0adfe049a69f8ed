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
  expect(first).toEqual(['0001_clicks', '0002_clicks_daily'])
  expect(await migrateClickHouse(ch, { database: 'default', ttlDays: null })).toEqual([])
  const recorded = await rows<{ name: string }>(ch, 'SELECT name FROM kurz_migrations ORDER BY name')
  expect(recorded.map((r) => r.name)).toEqual(first)
  const q = await ttlOf()
  expect(q).toContain('PARTITION BY toYYYYMM(ts)')
  expect(q).toContain('ORDER BY (owner_id, link_id, ts)')
  expect(q).toContain('non_replicated_deduplication_window = 10000')
  expect(q).not.toContain(' TTL ')
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
  for (const m of cluster) for (const s of m.statements) expect(s).toContain('ON CLUSTER `kurz`')
  const all = cluster.flatMap((m) => m.statements).join('\n')
  expect(all).toContain("ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/clicks_local', '{replica}')")
  expect(all).toContain('ReplicatedAggregatingMergeTree')
  expect(all).toContain('ENGINE = Distributed(`kurz`, `analytics`, clicks_local, cityHash64(owner_id))')
})
