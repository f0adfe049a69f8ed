// The account's links and raw clicks as downloads. Both read in keyset order one page at a time
// (links by (created_at, id); clicks by (link_id, ts, event_id), the click table's own order), so
// an export of millions of rows keeps one page in memory.
import { and, asc, eq, getTableColumns, sql } from 'drizzle-orm'
import type { Deps } from '../deps'
import type { Caller } from '../auth/caller'
import { AppError } from '../errors'
import { links, type LinkRow } from '../db/schema'
import { effective, toLink, shortUrlBase } from '../links/present'
import { rows } from '../clicks/client'
import { findOwnLink } from '../links/service'
import { csvRow } from './csv'
import { download, pagedStream } from './stream'

const PAGE = 2000

/** The columns of a link in the CSV export, in order (the JSON export has the same fields). */
export const LINK_COLUMNS = ['id', 'slug', 'shortUrl', 'domain', 'kind', 'originalUrl', 'payload', 'title', 'summary', 'status',
  'singleUse', 'clicks', 'expiresAt', 'createdAt', 'updatedAt', 'source'] as const

export function exportLinks(deps: Deps, caller: Caller, format: 'csv' | 'json'): Response {
  const base = shortUrlBase(deps)
  const now = deps.now()
  const shown = (row: LinkRow) => {
    const link = toLink(effective(row, now), base)
    return Object.fromEntries(LINK_COLUMNS.map((c) => [c, link[c]]))
  }
  // The cursor is created_at as PostgreSQL's text (microseconds: a JS Date would round them off).
  type Keyed = LinkRow & { key: string }
  const next = (after: Keyed | null): Promise<Keyed[]> => deps.db.select({ ...getTableColumns(links), key: sql<string>`${links.createdAt}::text` }).from(links)
    .where(after
      ? and(eq(links.userId, caller.userId), sql`(${links.createdAt}, ${links.id}) > (${after.key}::timestamptz, ${after.id})`)
      : eq(links.userId, caller.userId))
    .orderBy(asc(links.createdAt), asc(links.id)).limit(PAGE)
  const stamp = now.toISOString().slice(0, 10)
  if (format === 'json')
    return download(pagedStream<Keyed>({ next, head: '[', row: (r, i) => (i ? ',\n' : '\n') + JSON.stringify(shown(r)), tail: '\n]\n' }),
      'application/json; charset=utf-8', `links-${stamp}.json`)
  return download(pagedStream<Keyed>({ next, head: csvRow(LINK_COLUMNS), row: (r) => csvRow(LINK_COLUMNS.map((c) => shown(r)[c])), tail: '' }),
    'text/csv; charset=utf-8', `links-${stamp}.csv`)
}

/** The columns of a click in the export: what ClickHouse keeps (no IP is ever stored). */
export const CLICK_COLUMNS = ['event_id', 'ts', 'link_id', 'domain', 'country', 'city', 'device', 'browser', 'os', 'referrer_host',
  'utm_source', 'utm_medium', 'utm_campaign', 'is_bot', 'bot_reason', 'visitor_hash'] as const
type ClickRow = Record<(typeof CLICK_COLUMNS)[number], string | number>

const RANGE_DAYS = { '7d': 7, '30d': 30, '90d': 90, all: null } as const

export async function exportClicks(deps: Deps, caller: Caller, q: { range?: keyof typeof RANGE_DAYS; link?: string }): Promise<Response> {
  const ch = deps.clickhouse
  if (!ch) throw new AppError('SERVICE_UNAVAILABLE', 'Click analytics are not recorded on this installation')
  const linkId = q.link ? (await findOwnLink(deps, caller, q.link)).id : null
  const days = RANGE_DAYS[q.range ?? '30d']
  const from = days === null ? '1970-01-01 00:00:00.000' : new Date(deps.now().getTime() - days * 86_400_000).toISOString().replace('T', ' ').slice(0, 23)
  const select = `SELECT toString(event_id) AS eid, formatDateTime(ts, '%Y-%m-%dT%H:%i:%S.%fZ') AS ts_text, toString(ts) AS ts_key, link_id,
    domain, country, city, device, browser, os, referrer_host, utm_source, utm_medium, utm_campaign, is_bot, bot_reason, toString(visitor_hash) AS visitor_hash
    FROM clicks WHERE owner_id = {owner:String} AND ts >= {from:DateTime64(3, 'UTC')} ${linkId ? 'AND link_id = {link:String}' : ''}`
  type Row = ClickRow & { eid: string; ts_text: string; ts_key: string }
  const next = (after: Row | null) => rows<Row>(ch,
    // (link_id >= … is implied by the tuple comparison; said alone, it lets the primary key skip
    // the links already read instead of scanning the account's clicks for every page)
    `${select} ${after ? 'AND link_id >= {al:String} AND (link_id, ts, eid) > ({al:String}, {at:DateTime64(3, \'UTC\')}, {ae:String})' : ''}
     ORDER BY link_id, ts, eid LIMIT ${PAGE}`,
    { owner: caller.userId, from, link: linkId ?? '', al: after?.link_id, at: after?.ts_key, ae: after?.eid })
  return download(pagedStream<Row>({
    next,
    head: csvRow(CLICK_COLUMNS),
    row: (r) => csvRow(CLICK_COLUMNS.map((c) => (c === 'ts' ? r.ts_text : c === 'event_id' ? r.eid : r[c]))),
    tail: '',
  }), 'text/csv; charset=utf-8', `clicks-${deps.now().toISOString().slice(0, 10)}.csv`)
}
