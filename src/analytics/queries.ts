// The analytics SQL. Overviews read the daily rollup (clicks_daily); one link's figures read the
// raw events, which are ordered by (owner_id, link_id, ts) so one link is one narrow range.
import { quoteIdent, rows, type ClickHouse } from '../clicks/client'

/** Days from..to (YYYY-MM-DD) in the time zone `tz` (an IANA name; null: UTC, the rollup's days). */
export type Span = { from: string; to: string; bots: boolean; tz: string | null }
export type Count = { name: string; clicks: number }
export type Dims = Record<'country' | 'city' | 'device' | 'browser' | 'referrer', Count[]>
export type Figures = { days: Map<string, number>; total: number; unique: number; dims: Dims }

const DIMS = ['country', 'city', 'device', 'browser', 'referrer'] as const
const TOP = 10

const bots = (s: Span) => (s.bots ? '' : 'AND is_bot = 0')
/** A raw click's day in the span's zone (the zone is a bound parameter, `tz`). */
const dayOf = (s: Span) => (s.tz ? 'toDate(ts, {tz:String})' : 'toDate(ts)')
const params = (s: Span, p: Record<string, unknown>) => ({ ...p, from: s.from, to: s.to, ...(s.tz ? { tz: s.tz } : {}) })

/** The daily rollup's days are UTC days: in another zone, the overview is made from the raw events. */
export async function ownerFigures(ch: ClickHouse, ownerId: string, s: Span): Promise<Figures & { links: { linkId: string; clicks: number }[] }> {
  if (s.tz) return linksFigures(ch, ownerId, null, s)
  const p = { owner: ownerId, from: s.from, to: s.to }
  const where = `owner_id = {owner:String} AND day BETWEEN {from:Date} AND {to:Date} ${bots(s)}`
  const [days, links, dims] = await Promise.all([
    rows<{ d: string; c: string; u: string }>(ch,
      `SELECT toString(day) AS d, sum(clicks) AS c, uniqCombinedMerge(14)(visitors) AS u FROM clicks_daily WHERE dim = 'all' AND ${where} GROUP BY day`, p),
    rows<{ link_id: string; c: string }>(ch,
      `SELECT link_id, sum(clicks) AS c FROM clicks_daily WHERE dim = 'link' AND ${where} GROUP BY link_id ORDER BY c DESC, link_id LIMIT ${TOP}`, p),
    rows<{ dim: string; value: string; c: string }>(ch,
      `SELECT dim, value, sum(clicks) AS c FROM clicks_daily WHERE dim IN (${DIMS.map((d) => `'${d}'`)}) AND ${where}
       AND NOT (dim = 'city' AND value = '') GROUP BY dim, value HAVING c > 0 ORDER BY c DESC, value LIMIT ${TOP} BY dim`, p),
  ])
  return { ...perDay(days), dims: toDims(dims), links: links.map((r) => ({ linkId: r.link_id, clicks: Number(r.c) })) }
}

export async function linkFigures(ch: ClickHouse, ownerId: string, linkId: string, s: Span): Promise<Figures> {
  const p = params(s, { owner: ownerId, link: linkId })
  const where = `owner_id = {owner:String} AND link_id = {link:String} AND ${dayOf(s)} BETWEEN {from:Date} AND {to:Date} ${bots(s)}`
  const [days, dims] = await Promise.all([
    rows<{ d: string; c: string; u: string }>(ch,
      `SELECT toString(${dayOf(s)}) AS d, count() AS c, uniq(visitor_hash) AS u FROM clicks WHERE ${where} GROUP BY d`, p),
    rawDims(ch, where, p),
  ])
  return { ...perDay(days), dims: toDims(dims) }
}

/** An overview of some of the owner's links (those of a tag; null: all of them), from the raw events. */
export async function linksFigures(ch: ClickHouse, ownerId: string, linkIds: string[] | null, s: Span): Promise<Figures & { links: { linkId: string; clicks: number }[] }> {
  const p = params(s, { owner: ownerId, links: linkIds ?? [] })
  const which = linkIds ? 'AND link_id IN {links:Array(String)}' : ''
  const where = `owner_id = {owner:String} ${which} AND ${dayOf(s)} BETWEEN {from:Date} AND {to:Date} ${bots(s)}`
  const [days, top, dims] = await Promise.all([
    rows<{ d: string; c: string; u: string }>(ch,
      `SELECT toString(${dayOf(s)}) AS d, count() AS c, uniq(visitor_hash) AS u FROM clicks WHERE ${where} GROUP BY d`, p),
    rows<{ link_id: string; c: string }>(ch,
      `SELECT link_id, count() AS c FROM clicks WHERE ${where} GROUP BY link_id ORDER BY c DESC, link_id LIMIT ${TOP}`, p),
    rawDims(ch, where, p),
  ])
  return { ...perDay(days), dims: toDims(dims), links: top.map((r) => ({ linkId: r.link_id, clicks: Number(r.c) })) }
}

const RAW_DIM: Record<(typeof DIMS)[number], string> = {
  country: 'toString(country)', city: 'city', device: 'toString(device)', browser: 'toString(browser)', referrer: 'referrer_host',
}

/** The top values of each dimension asked for, from the raw events (fewer dimensions, less work). */
function rawDims(ch: ClickHouse, where: string, p: Record<string, unknown>, dims: readonly (typeof DIMS)[number][] = DIMS) {
  return rows<{ dim: string; value: string; c: string }>(ch,
    `SELECT tupleElement(d, 1) AS dim, tupleElement(d, 2) AS value, count() AS c FROM clicks
     ARRAY JOIN [${dims.map((d) => `('${d}', ${RAW_DIM[d]})`).join(', ')}] AS d
     WHERE ${where} AND NOT (dim = 'city' AND value = '')
     GROUP BY dim, value ORDER BY c DESC, value LIMIT ${TOP} BY dim`, p)
}

/** The `analytics` block of GET /links/{idOrSlug}: all time, bots excluded. */
export async function linkBreakdown(ch: ClickHouse, ownerId: string, linkId: string) {
  const dims = toDims(await rawDims(ch, 'owner_id = {owner:String} AND link_id = {link:String} AND is_bot = 0', { owner: ownerId, link: linkId },
    ['country', 'device', 'referrer']))
  const named = (list: Count[]) => list.map((c) => ({ name: c.name, count: c.clicks }))
  return { byCountry: named(dims.country), byDevice: named(dims.device), byReferrer: named(dims.referrer) }
}

/**
 * The first day with a click (of one link, of some links, or of any), in the zone `tz` (null:
 * UTC), for range=all; null when there is none.
 */
export async function firstClickDay(ch: ClickHouse, ownerId: string, linkId: string | string[] | null, tz: string | null): Promise<string | null> {
  const first = tz ? 'toDate(min(ts), {tz:String})' : 'toDate(min(ts))'
  const p = { owner: ownerId, ...(tz ? { tz } : {}) }
  const [r] = Array.isArray(linkId)
    ? await rows<{ d: string; n: string }>(ch, `SELECT toString(${first}) AS d, count() AS n FROM clicks WHERE owner_id = {owner:String} AND link_id IN {links:Array(String)}`, { ...p, links: linkId })
    : linkId
    ? await rows<{ d: string; n: string }>(ch, `SELECT toString(${first}) AS d, count() AS n FROM clicks WHERE owner_id = {owner:String} AND link_id = {link:String}`, { ...p, link: linkId })
    : tz
    ? await rows<{ d: string; n: string }>(ch, `SELECT toString(${first}) AS d, count() AS n FROM clicks WHERE owner_id = {owner:String}`, p)
    : await rows<{ d: string; n: string }>(ch, `SELECT toString(min(day)) AS d, count() AS n FROM clicks_daily WHERE owner_id = {owner:String} AND dim = 'link'`, p)
  return r && Number(r.n) > 0 ? r.d : null
}

/** Clicks per month (YYYY-MM) since `from`; with `linkIds`, only those links' clicks, from the raw events. */
export async function clicksPerMonth(ch: ClickHouse, ownerId: string, from: string, withBots: boolean, linkIds?: string[]): Promise<Map<string, number>> {
  const list = linkIds ? await rows<{ m: string; c: string }>(ch,
    `SELECT formatDateTime(toDate(ts), '%Y-%m') AS m, count() AS c FROM clicks
     WHERE owner_id = {owner:String} AND link_id IN {links:Array(String)} AND toDate(ts) >= {from:Date} ${withBots ? '' : 'AND is_bot = 0'} GROUP BY m`,
    { owner: ownerId, from, links: linkIds }) : await rows<{ m: string; c: string }>(ch,
    `SELECT formatDateTime(day, '%Y-%m') AS m, sum(clicks) AS c FROM clicks_daily
     WHERE owner_id = {owner:String} AND dim = 'link' AND day >= {from:Date} ${withBots ? '' : 'AND is_bot = 0'} GROUP BY m`,
    { owner: ownerId, from })
  return new Map(list.map((r) => [r.m, Number(r.c)]))
}

/**
 * Takes deleted links out of the analytics: their share of the per-owner rollup rows is
 * subtracted (negative counts, in the dimensions of migrations/clickhouse/0003), then their raw
 * events and per-link rollup rows are deleted. The token makes a retried subtraction a no-op;
 * unique visitors cannot be subtracted and keep counting them.
 */
export async function deleteLinkClicks(ch: ClickHouse, linkIds: string[]): Promise<void> {
  if (linkIds.length === 0) return
  const ids = { ids: linkIds }
  await ch.client.command({
    query: `INSERT INTO clicks_daily (owner_id, day, is_bot, dim, value, link_id, clicks)
      SELECT owner_id, day, is_bot, tupleElement(d, 1) AS dim, tupleElement(d, 2) AS value, '' AS link_id, -toInt64(count()) AS clicks
      FROM (
        SELECT owner_id, toDate(ts) AS day, is_bot, arrayJoin([
          ('all', ''), ('country', toString(country)), ('city', city), ('device', toString(device)),
          ('browser', toString(browser)), ('os', toString(os)), ('referrer', referrer_host)
        ]) AS d
        FROM clicks WHERE link_id IN {ids:Array(String)}
      )
      GROUP BY owner_id, day, is_bot, dim, value`,
    query_params: ids,
    clickhouse_settings: { insert_deduplication_token: `delete-links:${Bun.hash([...linkIds].sort().join(',')).toString(36)}` },
  })
  const on = ch.cluster ? ` ON CLUSTER ${quoteIdent(ch.cluster)}` : ''
  const suffix = ch.cluster ? '_local' : ''
  await ch.client.command({ query: `DELETE FROM clicks${suffix}${on} WHERE link_id IN {ids:Array(String)}`, query_params: ids })
  await ch.client.command({ query: `DELETE FROM clicks_daily${suffix}${on} WHERE dim = 'link' AND link_id IN {ids:Array(String)}`, query_params: ids })
}

function perDay(list: { d: string; c: string; u: string }[]) {
  const days = new Map<string, number>()
  let total = 0
  let unique = 0
  for (const r of list) {
    days.set(r.d, Number(r.c))
    total += Number(r.c)
    // The visitor hash includes the (UTC) day, so daily uniques add up to the range's uniques; in
    // another zone a visitor seen on both sides of UTC midnight within one local day counts twice.
    unique += Number(r.u)
  }
  return { days, total, unique }
}

const LABELS: Partial<Record<string, string>> = { country: 'Unknown', referrer: 'direct', device: 'unknown', browser: 'unknown' }

function toDims(list: { dim: string; value: string; c: string }[]): Dims {
  const out: Dims = { country: [], city: [], device: [], browser: [], referrer: [] }
  for (const r of list) out[r.dim as keyof Dims]?.push({ name: r.value || (LABELS[r.dim] ?? 'unknown'), clicks: Number(r.c) })
  return out
}

/** Clicks by trigger (`link`, `qr`: a scan of the link's QR code) from the raw events; one link's or the whole account's. */
export async function triggerSplit(ch: ClickHouse, ownerId: string, linkId: string | string[] | null, s: Span): Promise<{ name: 'link' | 'qr'; clicks: number }[]> {
  const which = linkId === null ? '' : Array.isArray(linkId) ? 'AND link_id IN {links:Array(String)}' : 'AND link_id = {link:String}'
  const list = await rows<{ t: string; c: string }>(ch,
    `SELECT if(trigger = 'qr', 'qr', 'link') AS t, count() AS c FROM clicks
     WHERE owner_id = {owner:String} ${which} AND ${dayOf(s)} BETWEEN {from:Date} AND {to:Date} ${bots(s)}
     GROUP BY t`, params(s, { owner: ownerId, link: typeof linkId === 'string' ? linkId : '', links: Array.isArray(linkId) ? linkId : [] }))
  const of = (t: string) => Number(list.find((r) => r.t === t)?.c ?? 0)
  return [{ name: 'link' as const, clicks: of('link') }, { name: 'qr' as const, clicks: of('qr') }]
}
