// Builds the click plane for createDeps: the ClickHouse client, its migrations, the sink, and
// the hooks the rest of the app uses (readiness, metrics, the analytics of deleted links).
import { join } from 'node:path'
import { Readable } from 'node:stream'
import type { Config } from '../config'
import type { Db } from '../db/client'
import type { Logger } from '../shared/log'
import { deleteLinkClicks, linkBreakdown } from '../analytics/queries'
import { openClickHouse, type ClickHouse } from './client'
import { migrateClickHouse } from './migrate'
import { addClickCounts } from './counters'
import { Enricher, type ClickRow } from './enrich'
import { SpillLog } from './spill'
import { ClickHouseSink } from './sink'

export const spillDir = (dataDir: string) => join(dataDir, 'spill')

const COLUMNS = ['event_id', 'ts', 'owner_id', 'link_id', 'domain', 'country', 'city', 'device', 'browser', 'os',
  'referrer_host', 'utm_source', 'utm_medium', 'utm_campaign', 'is_bot', 'bot_reason', 'visitor_hash'] as const satisfies (keyof ClickRow)[]

const tsvEscape = (v: string) => (/[\\\t\n\r]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : v)

/** TabSeparated (the engine parses it about twice as fast as JSONEachRow); ts as unix seconds.millis. */
export function toTsv(rows: ClickRow[]): string {
  let out = ''
  for (const r of rows) {
    for (let i = 0; i < COLUMNS.length; i++) {
      const v = r[COLUMNS[i]]
      out += (i ? '\t' : '') + (typeof v === 'string' ? tsvEscape(v) : i === 1 ? (v / 1000).toFixed(3) : String(v))
    }
    out += '\n'
  }
  return out
}

export async function insertClicks(ch: ClickHouse, rows: ClickRow[], token: string): Promise<void> {
  await ch.client.insert({
    table: 'clicks',
    columns: [...COLUMNS],
    values: Readable.from([Buffer.from(toTsv(rows))], { objectMode: false }),
    format: 'TabSeparated',
    // The rollup view must drop a replayed block too, not only the raw table.
    clickhouse_settings: { insert_deduplication_token: token, deduplicate_blocks_in_dependent_materialized_views: 1 },
  })
}

export async function openClickPipeline(config: Config, db: Db, log: Logger) {
  const ch = await openClickHouse(config)
  const migrate = () => migrateClickHouse(ch, { database: config.clickhouse.database, ttlDays: config.clickhouse.ttlDays })
  // A server that is down at start must not keep the service from starting: clicks spill, and
  // the migrations are retried before the next insert.
  let migrated: Promise<unknown> | null = migrate().catch((e) => {
    log.warn('ClickHouse migrations not applied yet; will retry', { error: String(e) })
    migrated = null
  })
  await migrated
  const sink = new ClickHouseSink({
    async insert(rows, token) {
      await (migrated ??= migrate().catch((e) => { migrated = null; throw e }))
      await insertClicks(ch, rows, token)
    },
    count: (rows) => addClickCounts(db, config.plans, rows),
    enricher: new Enricher(config.visitorSalt, config.geoipDb),
    spill: new SpillLog(spillDir(config.dataDir), log),
    log,
    ...config.clicks,
    afterClose: () => ch.close(),
  })
  return {
    sink,
    hooks: {
      clickhouse: ch,
      clickhousePing: () => ch.client.ping().then((r) => { if (!r.success) throw r.error }),
      clickMetrics: () => sink.metrics(),
      analytics: {
        deleteLinks: (linkIds: string[]) => deleteLinkClicks(ch, linkIds),
        linkBreakdown: (ownerId: string, linkId: string) => linkBreakdown(ch, ownerId, linkId),
      },
    },
  }
}
