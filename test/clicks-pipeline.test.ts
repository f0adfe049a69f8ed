// End to end on the real engines: redirect → buffer → enrich → chDB → analytics routes.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHarness, SETUP_TIMEOUT, type Harness } from './support/harness'
import { CHROME, GOOGLEBOT, IPHONE, countClicks } from './support/clicks'
import type { Running } from '../src/server'
import { openChdb, rows, type ClickHouse } from '../src/clicks/client'
import { migrateClickHouse } from '../src/clicks/migrate'
import { insertClicks } from '../src/clicks/pipeline'
import { batchOf } from '../src/clicks/batch'
import type { ClickRow } from '../src/clicks/click-row'

describe('click pipeline', () => {
  let h: Harness
  let s: Running
  beforeAll(async () => {
    h = await createHarness({ clickhouse: true, env: { TRUST_PROXY: 'true', CLICK_FLUSH_MS: '60000' } })
    s = await h.listen()
    expect((await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/a', slug: 'pipe-a' } })).status).toBe(201)
    expect((await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/b', slug: 'pipe-b' } })).status).toBe(201)
    const click = (slug: string, ua: string, ip: string, extra: Record<string, string> = {}, query = '') =>
      fetch(`${s.url}/${slug}${query}`, { redirect: 'manual', headers: { 'user-agent': ua, 'x-forwarded-for': ip, ...extra } })
    for (let i = 0; i < 3; i++) await click('pipe-a', CHROME, '8.8.8.8', { referer: 'https://www.twitter.com/post/1' }, '?utm_source=tw&utm_campaign=spring')
    await click('pipe-a', IPHONE, '81.2.69.160')
    await click('pipe-a', GOOGLEBOT, '66.249.66.1')
    await click('pipe-b', CHROME, '8.8.4.4')
    await fetch(`${s.url}/pipe-a`, { method: 'HEAD', redirect: 'manual', headers: { 'user-agent': CHROME } })
    await h.deps.clicks.flush()
  }, 60_000)
  afterAll(async () => { await h.close() })

  test('every counted redirect lands in ClickHouse once, HEAD does not', async () => {
    expect(await countClicks(h.deps.clickhouse!)).toBe(6)
  })

  test('the stored click is enriched and carries no raw IP', async () => {
    const rs = await h.deps.clickhouse!.client.query({ query: "SELECT * FROM clicks WHERE referrer_host = 'twitter.com' LIMIT 1", format: 'JSONEachRow' })
    const [row] = await rs.json<Record<string, unknown>>()
    expect(row).toMatchObject({ country: 'US', device: 'desktop', browser: 'Chrome', os: 'Windows', utm_source: 'tw', utm_campaign: 'spring', is_bot: 0 })
    expect(JSON.stringify(row)).not.toContain('8.8.8.8')
  })

  test('the overview counts humans, uniques and top lists, without bots', async () => {
    const r = await h.api('GET', '/api/v1/analytics/overview')
    expect(r.status).toBe(200)
    const d = r.body.data
    expect(d.summary).toEqual({ totalClicks: 5, uniqueClicks: 3, totalLinks: 2, activeLinks: 2 })
    expect(d.clicksOverTime).toHaveLength(7)
    expect(d.clicksOverTime.at(-1).clicks).toBe(5)
    expect(d.topLinks[0]).toMatchObject({ shortCode: 'pipe-a', clicks: 4 })
    expect(d.topCountries).toEqual([{ name: 'US', clicks: 4 }, { name: 'GB', clicks: 1 }])
    expect(d.topReferrers).toContainEqual({ name: 'twitter.com', clicks: 3 })
    expect(d.topDevices).toContainEqual({ name: 'mobile', clicks: 1 })
  })

  test('?bots=include counts the bot click too', async () => {
    const r = await h.api('GET', '/api/v1/analytics/overview?bots=include&range=30d')
    expect(r.body.data.summary.totalClicks).toBe(6)
    expect(r.body.data.clicksOverTime).toHaveLength(30)
  })

  test('the per-link report has its own figures', async () => {
    const r = await h.api('GET', '/api/v1/analytics/links/pipe-a?range=all')
    expect(r.status).toBe(200)
    expect(r.body.data.link.shortCode).toBe('pipe-a')
    expect(r.body.data.summary).toEqual({ totalClicks: 4, uniqueClicks: 2 })
    expect(r.body.data.clicksOverTime).toHaveLength(1)
    expect(r.body.data.topBrowsers).toContainEqual({ name: 'Mobile Safari', clicks: 1 })
  })

  test("a link's clicks and usedCount are its analytics' total: the bot click is in neither", async () => {
    const link = await h.api('GET', '/api/v1/links/pipe-a')
    const report = await h.api('GET', '/api/v1/analytics/links/pipe-a?range=all')
    expect(report.body.data.summary.totalClicks).toBe(4)
    expect(link.body.data.clicks).toBe(4)
    expect(link.body.data.usedCount).toBe(4)
  })

  test('counters: the link and the monthly usage show the flushed human clicks', async () => {
    const link = await h.api('GET', '/api/v1/links/pipe-a')
    expect(link.body.data.clicks).toBe(4)
    expect(link.body.data.usedCount).toBe(4)
    expect(link.body.data.analytics.byCountry).toContainEqual({ name: 'US', count: 3 })
    expect(link.body.data.analytics.byReferrer).toContainEqual({ name: 'twitter.com', count: 3 })
    const account = await h.api('GET', '/api/v1/analytics/account')
    expect(account.status).toBe(200)
    expect(account.body.data.months).toHaveLength(12)
    expect(account.body.data.months.at(-1)).toMatchObject({ clicks: 5, links: 2 })
    // The plan's usage counts what the analytics count: not the bot.
    expect(account.body.data.usage.clicksUsed).toBe(5)
  })

  test('a link nobody clicked answers an empty analytics block without asking the click store; a clicked one asks it', async () => {
    expect((await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/n', slug: 'pipe-none' } })).status).toBe(201)
    const analytics = h.deps.analytics!
    const breakdown = analytics.linkBreakdown!
    const asked: string[] = []
    analytics.linkBreakdown = (ownerId, linkId) => { asked.push(linkId); return breakdown(ownerId, linkId) }
    try {
      const none = await h.api('GET', '/api/v1/links/pipe-none')
      expect(none.status).toBe(200)
      expect(none.body.data.clicks).toBe(0)
      expect(none.body.data.analytics).toEqual({ byCountry: [], byDevice: [], byReferrer: [] })
      expect(asked).toEqual([])
      const clicked = await h.api('GET', '/api/v1/links/pipe-a')
      expect(clicked.body.data.analytics.byCountry).toContainEqual({ name: 'US', count: 3 })
      expect(asked).toEqual([clicked.body.data.id])
    } finally {
      analytics.linkBreakdown = breakdown
    }
  })

  test("another account's link is 404, and its clicks are not in my overview", async () => {
    const reg = await h.api('POST', '/api/auth/register', { key: null, body: { email: 'other@kurz.test', password: 'other-password-1' } })
    expect(reg.status).toBe(201)
    const login = await h.api('POST', '/api/auth/login', { key: null, body: { email: 'other@kurz.test', password: 'other-password-1' } })
    expect(login.status).toBe(200)
    const other = login.body.data?.token ?? login.body.token
    const r = await h.api('GET', '/api/v1/analytics/links/pipe-a', { key: other })
    expect(r.status).toBe(404)
    const o = await h.api('GET', '/api/v1/analytics/overview', { key: other })
    expect(o.body.data.summary.totalClicks).toBe(0)
  })

  test('deleting a link deletes its clicks', async () => {
    expect((await h.api('DELETE', '/api/v1/links/pipe-b')).status).toBe(200)
    expect(await countClicks(h.deps.clickhouse!, "link_id NOT IN (SELECT DISTINCT link_id FROM clicks WHERE referrer_host = 'twitter.com')")).toBe(0)
    const r = await h.api('GET', '/api/v1/analytics/overview')
    expect(r.body.data.topLinks.map((l: { shortCode: string }) => l.shortCode)).toEqual(['pipe-a'])
  })
})

describe('click recording switched off', () => {
  test('CLICKS_RECORD=false serves redirects, opens no ClickHouse and counts nothing', async () => {
    const h = await createHarness({ clickhouse: true, env: { CLICKS_RECORD: 'false' } })
    try {
      const s = await h.listen()
      const made = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/off', slug: 'rec-off' } })
      expect(made.status).toBe(201)
      const r = await fetch(`${s.url}/rec-off`, { redirect: 'manual', headers: { 'user-agent': CHROME } })
      expect(r.status).toBe(302)
      expect(r.headers.get('location')).toBe('https://example.com/off')
      expect(h.deps.clickhouse).toBeUndefined()
      await h.deps.clicks.flush()
      expect((await h.api('GET', '/api/v1/links/rec-off')).body.data.clicks).toBe(0)
    } finally {
      await h.close()
    }
  }, SETUP_TIMEOUT) // it starts a whole harness of its own
})

describe('click inserts into chDB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kurz-chinsert-'))
  const chDir = join(dir, 'clickhouse')
  let ch: ClickHouse
  beforeAll(async () => {
    // A file an earlier process left behind is not read by this one.
    mkdirSync(join(chDir, 'inbox'), { recursive: true })
    writeFileSync(join(chDir, 'inbox', '1.tsv'), 'not a click\n')
    ch = await openChdb(chDir)
    await migrateClickHouse(ch, { database: 'default', ttlDays: null })
  }, SETUP_TIMEOUT)
  afterAll(async () => {
    await ch.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('every column reads back as enriched: the time to the millisecond, text with tabs, newlines, quotes and backslashes', async () => {
    const row: ClickRow = {
      event_id: '01900000-0000-7000-8000-0000000000ab', ts: Date.UTC(2026, 10, 22, 9, 30, 15, 7), owner_id: 'usr_ins', link_id: 'lnk_ins',
      domain: 'go.example.com', country: 'DE', city: 'Köln', device: 'mobile', browser: 'Mobile Safari', os: 'iOS',
      referrer_host: 'news.example.org', utm_source: "o'brien\\x", utm_medium: 'tab\there', utm_campaign: 'line\nbreak\r',
      is_bot: 1, bot_reason: 'user-agent', visitor_hash: 9_007_199_254_740_991,
      utm_term: 'run\tshoes', utm_content: 'banner', variant: 'B', trigger: 'qr',
    }
    const other: ClickRow = { ...row, event_id: '01900000-0000-7000-8000-0000000000ac', ts: row.ts + 1, utm_source: '', is_bot: 0, bot_reason: '', trigger: 'link' }
    await insertClicks(ch, batchOf([row, other]), 'insert-roundtrip')
    const stored = await rows<Record<string, unknown>>(ch,
      `SELECT * EXCEPT (ts, visitor_hash), toUnixTimestamp64Milli(ts) AS ts, toString(visitor_hash) AS visitor_hash FROM clicks WHERE owner_id = 'usr_ins' ORDER BY ts`)
    expect(stored).toEqual([row, other].map((r) => ({ ...r, visitor_hash: String(r.visitor_hash) })))
    expect(readdirSync(join(chDir, 'inbox'))).toEqual([])
  })
})
