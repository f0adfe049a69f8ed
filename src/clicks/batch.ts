// The enriched batch the click plane passes on, already in the shapes its consumers take:
// TabSeparated bytes for the one ClickHouse insert (transferred from the enrichment worker, not
// copied), per-link counts for Postgres.
import { currentPeriod } from '../plans/period'
import { boundedFacts, clickFactsOf, type ClickFact } from './click-facts'
import type { ClickRow } from './click-row'

export type LinkCount = { link_id: string; period: string; n: number }

/** An enriched batch: everything the insert, the counters and the spill file need. */
export type EnrichedBatch = {
  size: number
  /** The rows as UTF-8 TabSeparated, in COLUMNS order. */
  tsv: Uint8Array
  /** Clicks per link and billing month (a batch can straddle a month boundary). */
  counts: LinkCount[]
  /**
   * `counts` as JSON text, as the enrichment worker sends them (a string crosses threads as one
   * copy; thousands of objects are cloned one by one). Whatever writes the counts writes this text
   * (countsJsonOf, jsonWithCounts) instead of serialising them again on the redirect thread.
   * Never changed apart from `counts`: a batch whose counts change is a new object without it.
   */
  countsJson?: string
  /** The clicks that link.clicked webhooks announce (of the accounts subscribed when enriched). */
  facts: ClickFact[]
  /** Those left out over the per-account bound. */
  factsSkipped: number
  /**
   * The embedded engine only: a file that already holds `tsv`, written by the enrichment worker so
   * that the redirect thread writes nothing (a write of a few MB stalled its loop up to ~15 ms).
   * The insert reads it and removes it; a batch spilled instead removes it too.
   */
  staged?: string
}

/**
 * The `clicks` columns in TabSeparated order, each with the type its text is read as: the table's
 * type without LowCardinality, which is only how the table stores it.
 */
export const COLUMN_TYPES = {
  event_id: 'UUID', ts: "DateTime64(3, 'UTC')", owner_id: 'String', link_id: 'String', domain: 'String',
  country: 'String', city: 'String', device: 'String', browser: 'String', os: 'String', referrer_host: 'String',
  utm_source: 'String', utm_medium: 'String', utm_campaign: 'String', is_bot: 'UInt8', bot_reason: 'String', visitor_hash: 'UInt64',
  utm_term: 'String', utm_content: 'String', variant: 'String', trigger: 'String',
} as const satisfies Record<keyof ClickRow, string>

export const COLUMNS = Object.keys(COLUMN_TYPES) as (keyof typeof COLUMN_TYPES)[]

/** A cell's text as TabSeparated reads it back: backslash, tab and line breaks escaped. */
const tsvEscape = (v: string) => (/[\\\t\n\r]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : v)

/**
 * TabSeparated (the engine parses it about twice as fast as JSONEachRow); ts as unix seconds.millis.
 * Each row's cells are joined, then the rows once: a text grown with += is a tree of pieces (dozens
 * of heap cells a row), which encoding then flattens (a 50,000-row batch encoded in 45 ms that way,
 * 20 ms this way). The cells are read by name, in COLUMNS order (a test holds the two together):
 * a look-up by a computed key on each of 21 columns cost more than the rest of the row. The
 * columns added later may be absent (a row spilled before they existed).
 */
export function toTsv(rows: ClickRow[]): string {
  const lines: string[] = new Array(rows.length + 1)
  const c: string[] = new Array(COLUMNS.length)
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]
    c[0] = tsvEscape(row.event_id)
    c[1] = (row.ts / 1000).toFixed(3)
    c[2] = tsvEscape(row.owner_id)
    c[3] = tsvEscape(row.link_id)
    c[4] = tsvEscape(row.domain)
    c[5] = tsvEscape(row.country)
    c[6] = tsvEscape(row.city)
    c[7] = tsvEscape(row.device)
    c[8] = tsvEscape(row.browser)
    c[9] = tsvEscape(row.os)
    c[10] = tsvEscape(row.referrer_host)
    c[11] = tsvEscape(row.utm_source)
    c[12] = tsvEscape(row.utm_medium)
    c[13] = tsvEscape(row.utm_campaign)
    c[14] = String(row.is_bot)
    c[15] = tsvEscape(row.bot_reason)
    c[16] = String(row.visitor_hash)
    c[17] = tsvEscape(row.utm_term ?? '')
    c[18] = tsvEscape(row.utm_content ?? '')
    c[19] = tsvEscape(row.variant ?? '')
    c[20] = tsvEscape(row.trigger ?? 'link')
    lines[r] = c.join('\t')
  }
  lines[rows.length] = ''
  return lines.join('\n')
}

/**
 * Per link and billing month, human clicks only: links.clicks and the plan's usage count what the
 * analytics count by default, and those leave bots out (the bots are still stored in ClickHouse).
 */
export function countByLink(rows: ClickRow[]): LinkCount[] {
  const counts = new Map<string, LinkCount>()
  const periods = new Map<number, string>()
  for (const r of rows) {
    if (r.is_bot) continue
    const day = Math.floor(r.ts / 86_400_000)
    let period = periods.get(day)
    if (period === undefined) periods.set(day, (period = currentPeriod(new Date(r.ts)).start))
    const key = `${r.link_id}\n${period}`
    const c = counts.get(key)
    if (c) c.n++
    else counts.set(key, { link_id: r.link_id, period, n: 1 })
  }
  return [...counts.values()]
}

/** What the enrichment worker posts: the counts as JSON text only (`fromWorker` reads them back). */
export const forPosting = (batch: EnrichedBatch): EnrichedBatch => ({ ...batch, counts: [], countsJson: JSON.stringify(batch.counts) })

/** A batch the worker posted, its counts read back from their text (which it keeps). */
export const fromWorker = (batch: EnrichedBatch): EnrichedBatch =>
  batch.countsJson === undefined ? batch : { ...batch, counts: JSON.parse(batch.countsJson) as LinkCount[] }

/** The batch's counts as JSON text: the worker's, when it sent them so. */
export const countsJsonOf = (batch: Pick<EnrichedBatch, 'counts' | 'countsJson'>): string => batch.countsJson ?? JSON.stringify(batch.counts)

/** `fields` and the batch's counts as one JSON object, the counts' text taken as it is (countsJsonOf). */
export function jsonWithCounts(fields: Record<string, unknown>, batch: Pick<EnrichedBatch, 'counts' | 'countsJson'>): string {
  const { counts: _counts, countsJson: _json, ...rest } = fields
  const text = JSON.stringify(rest)
  return `{"counts":${countsJsonOf(batch)}${text === '{}' ? '}' : `,${text.slice(1)}`}`
}

const utf8 = new TextEncoder()

const NO_ONE: ReadonlySet<string> = new Set()

/** (A fresh ArrayBuffer, never a pooled one: the worker transfers it.) */
export function batchOf(rows: ClickRow[], announced: ReadonlySet<string> = NO_ONE): EnrichedBatch {
  const { facts, skipped } = boundedFacts(clickFactsOf(rows, announced))
  return { size: rows.length, tsv: utf8.encode(toTsv(rows)), counts: countByLink(rows), facts, factsSkipped: skipped }
}

/** One batch from several enriched in turn: the bytes end to end, the counts added up. */
export function mergeBatches(parts: EnrichedBatch[]): EnrichedBatch {
  if (parts.length === 1) return parts[0]
  const tsv = new Uint8Array(parts.reduce((n, p) => n + p.tsv.byteLength, 0))
  const counts = new Map<string, LinkCount>()
  let offset = 0
  for (const p of parts) {
    tsv.set(p.tsv, offset)
    offset += p.tsv.byteLength
    for (const c of p.counts) {
      const key = `${c.link_id}\n${c.period}`
      const had = counts.get(key)
      if (had) had.n += c.n
      else counts.set(key, { ...c })
    }
  }
  const { facts, skipped } = boundedFacts(parts.flatMap((p) => p.facts))
  return {
    size: parts.reduce((n, p) => n + p.size, 0), tsv, counts: [...counts.values()],
    facts, factsSkipped: parts.reduce((n, p) => n + p.factsSkipped, skipped),
  }
}
