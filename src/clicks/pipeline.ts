// Builds the click plane for createDeps: the ClickHouse client, its migrations, the sink, and
// the hooks the rest of the app uses (readiness, metrics, the analytics of deleted links).
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { sql } from 'drizzle-orm'
import type { Config } from '../config'
import { rowsOf, type Db } from '../db/client'
import type { Logger } from '../shared/log'
import { deleteLinkClicks, linkBreakdown } from '../analytics/queries'
import { chdbDir, filesGlob, openClickHouse, quoteString, rows, tsvStructure, type ClickHouse } from './client'
import { HeldClicks } from './held'
import { migrateClickHouse } from './migrate'
import { addClickCounts } from './counters'
import { clickSubscribers, recordClickEvents } from './click-events'
import { shortUrlBaseOf } from '../links/present'
import type { Counters } from '../ops/counters'
import { WorkerEnricher } from './enricher-client'
import { COLUMNS, COLUMN_TYPES, type EnrichedBatch } from './batch'
import { SpillLog } from './spill'
import { ClickHouseSink, type ClickHouseSinkParts } from './sink'
import { takeBotsOutOfCounters } from './bot-recount'

export const spillDir = (dataDir: string) => join(dataDir, 'spill')

// The rollup view must drop a replayed block too, not only the raw table.
// A batch spilled before a column was added has fewer columns: the missing ones take their defaults.
const insertSettings = (token: string) =>
  ({ insert_deduplication_token: token, deduplicate_blocks_in_dependent_materialized_views: 1 as const, input_format_tsv_allow_variable_number_of_columns: 1 as const })

export async function insertClicks(ch: ClickHouse, batch: EnrichedBatch, token: string): Promise<void> {
  const settings = insertSettings(token)
  if (ch.insertTsv) return ch.insertTsv({ table: 'clicks', columns: COLUMN_TYPES, values: batch.tsv, staged: batch.staged, settings })
  await ch.client.insert({
    table: 'clicks',
    columns: COLUMNS as [string, ...string[]],
    values: Readable.from([Buffer.from(batch.tsv.buffer, batch.tsv.byteOffset, batch.tsv.byteLength)], { objectMode: false }),
    format: 'TabSeparated',
    clickhouse_settings: settings,
  })
}

/**
 * The links with rows in these held files, bots' rows included (the counts name only links with
 * human clicks), that PostgreSQL no longer has: deleted since. The engine hands their ids over as
 * one JSON array, which PostgreSQL takes as one parameter: a parameter per link (thousands when a
 * busy site's held clicks go in) costs the redirect thread tens of milliseconds to build and send,
 * and a statement takes at most 65,535.
 */
export async function goneLinks(ch: ClickHouse, db: Db, files: readonly string[]): Promise<string[]> {
  const [found] = await rows<{ ids: string }>(ch,
    `SELECT toJSONString(groupUniqArray(link_id)) AS ids FROM file(${quoteString(filesGlob(files))}, 'TabSeparated', ${quoteString(tsvStructure(COLUMN_TYPES))})`)
  if (!found || found.ids === '[]') return []
  return rowsOf<{ id: string }>(await db.execute(sql`
    select x.id from json_array_elements_text(${found.ids}::json) as x(id)
    where not exists (select 1 from links l where l.id = x.id)`)).map((r) => r.id)
}

/** The embedded engine's small batches, held for one larger insert (CLICK_HOLD_MS; 0: none). */
async function holdOf(config: Config, db: Db, ch: ClickHouse, log: Logger): Promise<ClickHouseSinkParts['hold']> {
  const insertFiles = ch.insertFiles
  if (!insertFiles || config.clicks.holdMs === 0) return undefined
  return {
    // Beside the engine's stage directory: a staged file moves here by a rename.
    clicks: await HeldClicks.open(join(chdbDir(config.dataDir), 'held'), log),
    ms: config.clicks.holdMs,
    insert: (files, token, skipLinks) => insertFiles({ table: 'clicks', columns: COLUMN_TYPES, files, skipLinks, settings: insertSettings(token) }),
    gone: (files) => goneLinks(ch, db, files),
  }
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
      await addClickCounts(db, config.plans, batch, (tx) => recordClickEvents(tx, shortUrlBase, batch.facts), token)
    },
    enricher,
    hold: await holdOf(config, db, ch, log),
    spill: new SpillLog(spillDir(config.dataDir), log),
    patienceMs: config.databaseUrl ? 1000 : null,
    log,
    ...config.clicks,
    async afterClose() {
      await enricher.close()
      await ch.close()
    },
  })
  const reads = readsSeeHeldClicks(ch, () => sink.releaseHeldNow())
  return {
    sink,
    hooks: {
      clickhouse: reads,
      clickhousePing: () => ch.client.ping().then((r) => { if (!r.success) throw r.error }),
      clickMetrics: () => sink.metrics(),
      analytics: {
        deleteLinks: (linkIds: string[]) => deleteLinkClicks(ch, linkIds),
        linkBreakdown: (ownerId: string, linkId: string) => linkBreakdown(reads, ownerId, linkId),
      },
    },
  }
}

/**
 * The click store as the rest of the app reads it: each query first inserts the clicks held for a
 * larger insert, so that the analytics a dashboard or an API client reads are as fresh as the
 * flushes. (The click plane itself reads the store directly: a query inside a flush must not wait
 * for the flush.)
 */
function readsSeeHeldClicks(ch: ClickHouse, release: () => Promise<void>): ClickHouse {
  const client = new Proxy(ch.client, {
    get(target, prop) {
      if (prop === 'query') return async (params: Parameters<typeof target.query>[0]) => {
        await release()
        return target.query(params)
      }
      const value = Reflect.get(target, prop, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { ...ch, client }
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
