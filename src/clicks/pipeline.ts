// Builds the click plane for createDeps: the ClickHouse client, its migrations, the sink, and
// the hooks the rest of the app uses (readiness, metrics, the analytics of deleted links).
import { join } from 'node:path'
import { Readable } from 'node:stream'
import type { Config } from '../config'
import type { Db } from '../db/client'
import type { Logger } from '../shared/log'
import { deleteLinkClicks, linkBreakdown } from '../analytics/queries'
import { openClickHouse, rows, type ClickHouse } from './client'
import { migrateClickHouse } from './migrate'
import { addClickCounts } from './counters'
import { clickSubscribers, recordClickEvents } from './click-events'
import { shortUrlBaseOf } from '../links/present'
import type { Counters } from '../ops/counters'
import { WorkerEnricher } from './enricher-client'
import { COLUMNS, COLUMN_TYPES, type EnrichedBatch } from './batch'
import { SpillLog } from './spill'
import { ClickHouseSink } from './sink'
import { takeBotsOutOfCounters } from './bot-recount'

export const spillDir = (dataDir: string) => join(dataDir, 'spill')

export async function insertClicks(ch: ClickHouse, batch: EnrichedBatch, token: string): Promise<void> {
  // The rollup view must drop a replayed block too, not only the raw table.
  // A batch spilled before a column was added has fewer columns: the missing ones take their defaults.
  const settings = { insert_deduplication_token: token, deduplicate_blocks_in_dependent_materialized_views: 1 as const, input_format_tsv_allow_variable_number_of_columns: 1 as const }
  if (ch.insertTsv) return ch.insertTsv({ table: 'clicks', columns: COLUMN_TYPES, values: batch.tsv, staged: batch.staged, settings })
  await ch.client.insert({
    table: 'clicks',
    columns: COLUMNS as [string, ...string[]],
    values: Readable.from([Buffer.from(batch.tsv.buffer, batch.tsv.byteOffset, batch.tsv.byteLength)], { objectMode: false }),
    format: 'TabSeparated',
    clickhouse_settings: settings,
  })
}

export async function openClickPipeline(config: Config, db: Db, log: Logger, counters: Counters) {
  const ch = await openClickHouse(config)
  const migrate = () => migrateClickHouse(ch, { database: config.clickhouse.database, ttlDays: config.clickhouse.ttlDays })
  // A server that is down at start must not keep the service from starting: clicks spill, and
  // the migrations are retried before the next insert.
  let migrated: Promise<unknown> | null = migrate().catch((e) => {
    log.warn('ClickHouse migrations not applied yet; will retry', { error: String(e) })
    migrated = null
  })
  await migrated
  recountBots(db, ch, log)
  const enricher = await WorkerEnricher.open(config.visitorSalt, config.geoipDb, ch.stageDir)
  const shortUrlBase = shortUrlBaseOf(config.baseUrl)
  const sink = new ClickHouseSink({
    async insert(batch, token) {
      await (migrated ??= migrate().catch((e) => { migrated = null; throw e }))
      await insertClicks(ch, batch, token)
    },
    announced: () => clickSubscribers(db),
    async landed(probe) {
      const [r] = await rows<{ n: string }>(ch, `SELECT count() AS n FROM clicks
        WHERE owner_id = {owner:String} AND link_id = {link:String} AND event_id = {id:UUID}`, { owner: probe.ownerId, link: probe.linkId, id: probe.eventId })
      return Number(r?.n ?? 0) > 0
    },
    async count(batch, token) {
      if (batch.factsSkipped) {
        counters.clickEventsSkipped += batch.factsSkipped
        log.warn('link.clicked events over the per-batch bound were not written', { skipped: batch.factsSkipped })
      }
      await addClickCounts(db, config.plans, batch.counts, (tx) => recordClickEvents(tx, shortUrlBase, batch.facts), token)
    },
    enricher,
    spill: new SpillLog(spillDir(config.dataDir), log),
    patienceMs: config.databaseUrl ? 1000 : null,
    log,
    ...config.clicks,
    async afterClose() {
      await enricher.close()
      await ch.close()
    },
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

/** In the background, retried until done: the counters of a version that counted bots are corrected once. */
function recountBots(db: Db, ch: ClickHouse, log: Logger) {
  const startedAt = new Date()
  const attempt = (): void => void takeBotsOutOfCounters(db, ch, startedAt).then(
    (ran) => { if (ran) log.info('bot clicks taken out of links.clicks and the monthly usage (once)') },
    (e) => {
      log.warn('bot clicks not yet taken out of the click counters; will retry', { error: String(e) })
      setTimeout(attempt, 60_000).unref?.()
    })
  attempt()
}
