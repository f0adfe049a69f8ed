// Applies migrations/clickhouse/*.sql at start, records each in kurz_migrations, and keeps the
// raw table's TTL in line with CLICKS_TTL_DAYS. Every statement is idempotent (IF NOT EXISTS),
// so two instances starting at once do no harm.
import { readdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { quoteIdent, rows, type ClickHouse } from './client'

const DIR = resolve(import.meta.dir, '../../migrations/clickhouse')

type Migration = { name: string; statements: string[] }

/** `0001_clicks.sql` and its cluster variant `0001_clicks.cluster.sql` share the name `0001_clicks`. */
export function loadMigrations(cluster: string | null, database: string): Migration[] {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.sql'))
  const names = [...new Set(files.map((f) => f.replace(/(\.cluster)?\.sql$/, '')))].sort()
  return names.map((name) => {
    const file = cluster ? `${name}.cluster.sql` : `${name}.sql`
    if (!files.includes(file)) throw new Error(`migrations/clickhouse: ${file} is missing`)
    const text = readFileSync(resolve(DIR, file), 'utf8')
      .replace(/\$CLUSTER/g, quoteIdent(cluster ?? ''))
      .replace(/\$DATABASE/g, quoteIdent(database))
    return { name, statements: splitStatements(text) }
  })
}

export function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean)
}

/** `upTo` stops after the migration of that name (to test a later one over data of an earlier schema). */
export async function migrateClickHouse(ch: ClickHouse, opts: { database: string; ttlDays: number | null; upTo?: string }): Promise<string[]> {
  const onCluster = ch.cluster ? ` ON CLUSTER ${quoteIdent(ch.cluster)}` : ''
  const engine = ch.cluster
    ? `ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/kurz_migrations', '{replica}')`
    : 'MergeTree'
  await ch.client.command({
    query: `CREATE TABLE IF NOT EXISTS kurz_migrations${onCluster} (name String, applied_at DateTime DEFAULT now()) ENGINE = ${engine} ORDER BY name`,
  })
  const done = new Set((await rows<{ name: string }>(ch, 'SELECT name FROM kurz_migrations')).map((r) => r.name))
  const applied: string[] = []
  for (const m of loadMigrations(ch.cluster, opts.database)) {
    if (opts.upTo !== undefined && m.name > opts.upTo) break
    if (done.has(m.name)) continue
    // Each statement its own token: chDB keeps settings per session, and a refill (INSERT … SELECT)
    // must not inherit an earlier insert's token and be dropped as its duplicate.
    for (const [i, query] of m.statements.entries())
      await ch.client.command({ query, clickhouse_settings: { insert_deduplication_token: `migration-${m.name}-${i}` } })
    await ch.client.insert({
      table: 'kurz_migrations', values: [{ name: m.name }], format: 'JSONEachRow', columns: ['name'],
      clickhouse_settings: { insert_deduplication_token: `migration-${m.name}` },
    })
    applied.push(m.name)
  }
  await applyTtl(ch, onCluster, opts.ttlDays)
  await tuneEmbeddedMerges(ch)
  return applied
}

/**
 * chDB only: the raw table merges at least ten parts at a time, with the Simple merge selector's
 * base at 10 instead of 5, so that each click is rewritten by fewer merges (for a few more active
 * parts). The embedded engine takes one modest insert a second on the redirect's own core: 80
 * inserts of 3,000 clicks cost ~21.5 µs a click with the defaults and ~19.5 with this. Not the
 * rollup: the overview reads it, and with more unmerged parts took ~1.5-2× as long. A ClickHouse
 * server keeps its own settings: these need a recent one, and its merges run on its own cores.
 */
async function tuneEmbeddedMerges(ch: ClickHouse) {
  if (ch.engine !== 'chdb') return
  await ch.client.command({ query: 'ALTER TABLE clicks MODIFY SETTING min_parts_to_merge_at_once = 10, merge_selector_base = 10' })
}

/** Retention is configuration, not a migration: set or drop the raw table's TTL to match it. */
async function applyTtl(ch: ClickHouse, onCluster: string, ttlDays: number | null) {
  const table = ch.cluster ? 'clicks_local' : 'clicks'
  const [row] = await rows<{ q: string }>(ch,
    'SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = {t:String}', { t: table })
  const current = /\bTTL toDateTime\(ts\) \+ toIntervalDay\((\d+)\)/.exec(row?.q ?? '')?.[1]
  if (ttlDays !== null && current !== String(ttlDays)) {
    await ch.client.command({
      query: `ALTER TABLE ${table}${onCluster} MODIFY TTL toDateTime(ts) + INTERVAL ${ttlDays} DAY`,
      // Old parts are dropped as merges reach them, not rewritten all at once at start.
      clickhouse_settings: { materialize_ttl_after_modify: 0 },
    })
  } else if (ttlDays === null && / TTL /.test(row?.q ?? '')) {
    await ch.client.command({ query: `ALTER TABLE ${table}${onCluster} REMOVE TTL` })
  }
}
